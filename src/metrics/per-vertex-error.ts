import { frameCountOf, meanPointDistance } from './joint-arrays.js';

/**
 * PVE per frame, in the input's unit: the mean over vertices of the distance between corresponding
 * vertices of two meshes of the same topology (frames × V × 3 each). No alignment: as VIBE's
 * compute_error_verts, both meshes are posed without translation in their model's own frame.
 * Frames with mask 0 are NaN, so the aggregators skip them.
 */
export function perVertexErrorPerFrame(pred: ArrayLike<number>, gt: ArrayLike<number>, vertexCount: number, frameMask?: Uint8Array): Float64Array {
  const frames = frameCountOf(gt, vertexCount, 3);
  if (pred.length !== gt.length) throw new RangeError(`predicted mesh has ${pred.length} values, ground truth ${gt.length}`);
  const errors = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const offset = f * vertexCount * 3;
    errors[f] = frameMask && !frameMask[f] ? NaN : meanPointDistance(pred, offset, gt, offset, vertexCount, 3);
  }
  return errors;
}
