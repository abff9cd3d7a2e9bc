import { frameCountOf, type JointValues, type VisibilityValues } from './joint-arrays.js';
import { visibleCount } from './frame-filter.js';

/** PCK threshold α · crop size: 0.05 · 224 = 11.2 px in the crop where the person is ~150 px tall. */
export const PCK_ALPHA = 0.05;
export const CROP_SIZE_PX = 224;
/** Frames with fewer visible ground-truth points than this are skipped (NaN), as in the reference. */
export const MIN_VISIBLE_2D = 6;

/** Weak-perspective 2D camera x ↦ scale · (x + t), the layout Θ uses (translation before scale). */
export interface ScaleTranslation2d {
  scale: number;
  tx: number;
  ty: number;
}

/**
 * The reference code's "optimal camera" from predicted to ground-truth points, on visible points
 * only: with X, Y the centred visible points, scale = tr((XᵀX + 1e-6·I)⁻¹ XᵀY) / 2 (the mean of
 * the diagonal of the least-squares linear map, not the isotropic least-squares scale; kept so
 * numbers compare with published PCK), t = μ_Y / scale − μ_X.
 */
export function fitScaleTranslation2d(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  visible: VisibilityValues,
  pointCount: number,
  pointOffset = 0,
): ScaleTranslation2d {
  let n = 0;
  const muGot = [0, 0];
  const muWant = [0, 0];
  for (let j = 0; j < pointCount; j++) {
    if (!(visible[pointOffset + j]! > 0)) continue;
    n++;
    for (let d = 0; d < 2; d++) {
      muGot[d] += got[(pointOffset + j) * 2 + d]!;
      muWant[d] += want[(pointOffset + j) * 2 + d]!;
    }
  }
  if (n === 0) return { scale: 1, tx: 0, ty: 0 };
  for (let d = 0; d < 2; d++) {
    muGot[d]! /= n;
    muWant[d]! /= n;
  }
  // XᵀX (symmetric) and XᵀY, both 2×2.
  let xx00 = 1e-6, xx01 = 0, xx11 = 1e-6;
  let xy00 = 0, xy01 = 0, xy10 = 0, xy11 = 0;
  for (let j = 0; j < pointCount; j++) {
    if (!(visible[pointOffset + j]! > 0)) continue;
    const i = (pointOffset + j) * 2;
    const gx = got[i]! - muGot[0]!, gy = got[i + 1]! - muGot[1]!;
    const wx = want[i]! - muWant[0]!, wy = want[i + 1]! - muWant[1]!;
    xx00 += gx * gx; xx01 += gx * gy; xx11 += gy * gy;
    xy00 += gx * wx; xy01 += gx * wy; xy10 += gy * wx; xy11 += gy * wy;
  }
  const det = xx00 * xx11 - xx01 * xx01;
  // tr(A⁻¹B) with A⁻¹ = [[xx11, −xx01], [−xx01, xx00]] / det.
  const scale = (xx11 * xy00 - xx01 * xy10 - xx01 * xy01 + xx00 * xy11) / det / 2;
  return { scale, tx: muWant[0]! / scale - muGot[0]!, ty: muWant[1]! / scale - muGot[1]! };
}

/**
 * Per frame, the fraction of visible ground-truth points whose prediction lies within
 * thresholdPx after fitScaleTranslation2d; NaN for frames with fewer than minVisible visible
 * points. Points are frames × joints × 2 in crop pixels.
 */
export function pckPerFrame(
  pred2d: JointValues,
  gt2d: JointValues,
  visible: VisibilityValues,
  jointCount: number,
  options: { thresholdPx?: number; minVisible?: number } = {},
): Float64Array {
  const thresholdPx = options.thresholdPx ?? PCK_ALPHA * CROP_SIZE_PX;
  const minVisible = options.minVisible ?? MIN_VISIBLE_2D;
  const frames = frameCountOf(gt2d, jointCount, 2);
  if (pred2d.length !== gt2d.length) throw new RangeError(`prediction has ${pred2d.length} values, ground truth ${gt2d.length}`);
  if (visible.length !== frames * jointCount) throw new RangeError(`visibility has ${visible.length} values, expected ${frames * jointCount}`);
  const pck = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const visibleHere = visibleCount(visible, f, jointCount);
    if (visibleHere < minVisible) {
      pck[f] = NaN;
      continue;
    }
    const offset = f * jointCount;
    const camera = fitScaleTranslation2d(pred2d, gt2d, visible, jointCount, offset);
    let correct = 0;
    for (let j = 0; j < jointCount; j++) {
      if (!(visible[offset + j]! > 0)) continue;
      const i = (offset + j) * 2;
      const dx = camera.scale * (pred2d[i]! + camera.tx) - gt2d[i]!;
      const dy = camera.scale * (pred2d[i + 1]! + camera.ty) - gt2d[i + 1]!;
      if (Math.hypot(dx, dy) < thresholdPx) correct++;
    }
    pck[f] = correct / visibleHere;
  }
  return pck;
}
