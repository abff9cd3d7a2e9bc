import { CROP_SIZE_PX } from '../body/weak-perspective.js';
import { fitScaleTranslation, type ScaleTranslation2d } from '../body/weak-perspective-fit.js';
import { frameCountOf, type JointValues, type VisibilityValues } from './joint-arrays.js';
import { visibleCount } from './frame-filter.js';

/** PCK threshold α · crop size: 0.05 · 224 = 11.2 px in the crop where the person is ~150 px tall. */
export const PCK_ALPHA = 0.05;
/** Frames with fewer visible ground-truth points than this are skipped (NaN), as in the reference. */
export const MIN_VISIBLE_2D = 6;

/**
 * The reference code's "optimal camera" (see fitScaleTranslation) from predicted to ground-truth
 * points (x, y pairs from pointOffset on), on visible points only.
 */
export function fitScaleTranslation2d(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  visible: VisibilityValues,
  pointCount: number,
  pointOffset = 0,
): ScaleTranslation2d {
  return fitScaleTranslation({
    count: pointCount,
    visible: (k) => visible[pointOffset + k]! > 0,
    got: (k, axis) => got[(pointOffset + k) * 2 + axis]!,
    want: (k, axis) => want[(pointOffset + k) * 2 + axis]!,
  });
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
