import { frameCountOf, meanPointDistance, type JointValues } from './joint-arrays.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** x ↦ scale · R x + translation, R a proper rotation (det +1), 3×3 row-major. */
export interface SimilarityTransform {
  scale: number;
  rotation: Float64Array;
  translation: Float64Array;
}

/**
 * Least-squares similarity transform taking `source` points onto `target` points (both n×3,
 * starting at the given offsets). The rotation maximises tr(R K) with K = Σ x_src x_tgtᵀ over
 * proper rotations only, which is exactly the SVD solution with the reflection fix det R = +1
 * (reference code, spec B3). It is found with Horn's unit-quaternion method: the eigenvector of
 * the largest eigenvalue of a symmetric 4×4 matrix built from K; no SVD sign cases to get wrong.
 * Scale s = tr(R K) / ‖X_src‖², translation t = μ_tgt − s R μ_src.
 */
export function fitSimilarityTransform(
  source: ArrayLike<number>,
  target: ArrayLike<number>,
  pointCount: number,
  sourceOffset = 0,
  targetOffset = 0,
): SimilarityTransform {
  const muSource = centroid(source, sourceOffset, pointCount);
  const muTarget = centroid(target, targetOffset, pointCount);
  const k = new Float64Array(9);
  let sourceVariance = 0;
  for (let i = 0; i < pointCount; i++) {
    for (let a = 0; a < 3; a++) {
      const xs = source[sourceOffset + i * 3 + a]! - muSource[a]!;
      sourceVariance += xs * xs;
      for (let b = 0; b < 3; b++) k[a * 3 + b] += xs * (target[targetOffset + i * 3 + b]! - muTarget[b]!);
    }
  }
  const rotation = optimalRotation(k);
  let traceRK = 0;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) traceRK += rotation[a * 3 + b]! * k[b * 3 + a]!;
  const scale = sourceVariance > 0 ? traceRK / sourceVariance : 0;
  const translation = new Float64Array(3);
  for (let a = 0; a < 3; a++) {
    let rotated = 0;
    for (let b = 0; b < 3; b++) rotated += rotation[a * 3 + b]! * muSource[b]!;
    translation[a] = muTarget[a]! - scale * rotated;
  }
  return { scale, rotation, translation };
}

/** The transform applied to n×3 points starting at `offset`; returns a new n×3 array. */
export function applySimilarityTransform(
  transform: SimilarityTransform,
  points: ArrayLike<number>,
  pointCount: number,
  offset = 0,
): Float64Array {
  const { scale, rotation: r, translation: t } = transform;
  const out = new Float64Array(pointCount * 3);
  for (let i = 0; i < pointCount; i++) {
    const x = points[offset + i * 3]!;
    const y = points[offset + i * 3 + 1]!;
    const z = points[offset + i * 3 + 2]!;
    for (let a = 0; a < 3; a++) {
      out[i * 3 + a] = scale * (r[a * 3]! * x + r[a * 3 + 1]! * y + r[a * 3 + 2]! * z) + t[a]!;
    }
  }
  return out;
}

/**
 * PA-MPJPE per frame: the prediction is similarity-aligned to the ground truth, then the mean joint
 * distance. Pelvis alignment first (as the reference does) would not change the result, since the
 * fit has its own translation. Frames with mask 0 are NaN.
 */
export function paMpjpePerFrame(pred: JointValues, gt: JointValues, jointCount: number, frameMask?: Uint8Array): Float64Array {
  const frames = frameCountOf(gt, jointCount, 3);
  if (pred.length !== gt.length) throw new RangeError(`prediction has ${pred.length} values, ground truth ${gt.length}`);
  const errors = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    if (frameMask && !frameMask[f]) {
      errors[f] = NaN;
      continue;
    }
    const offset = f * jointCount * 3;
    const transform = fitSimilarityTransform(pred, gt, jointCount, offset, offset);
    const aligned = applySimilarityTransform(transform, pred, jointCount, offset);
    errors[f] = meanPointDistance(aligned, 0, gt, offset, jointCount, 3);
  }
  return errors;
}

function centroid(points: ArrayLike<number>, offset: number, pointCount: number): Float64Array {
  const mu = new Float64Array(3);
  for (let i = 0; i < pointCount; i++) for (let a = 0; a < 3; a++) mu[a] += points[offset + i * 3 + a]!;
  for (let a = 0; a < 3; a++) mu[a] /= pointCount;
  return mu;
}

/** Horn (1987): the proper rotation maximising tr(R K), K = Σ source·targetᵀ (row-major 3×3). */
function optimalRotation(k: Float64Array): Float64Array {
  const at = (row: number, col: number): number => k[row * 3 + col]!;
  const [sxx, sxy, sxz] = [at(0, 0), at(0, 1), at(0, 2)];
  const [syx, syy, syz] = [at(1, 0), at(1, 1), at(1, 2)];
  const [szx, szy, szz] = [at(2, 0), at(2, 1), at(2, 2)];
  const n = [
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ];
  const { values, vectors } = symmetricEigen(n, 4);
  let best = 0;
  for (let i = 1; i < 4; i++) if (values[i]! > values[best]!) best = i;
  const w = vectors[best]!;
  const x = vectors[4 + best]!;
  const y = vectors[8 + best]!;
  const z = vectors[12 + best]!;
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  );
}
