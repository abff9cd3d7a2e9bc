import { alignByPelvis, frameCountOf, meanPointDistance, type JointValues } from './joint-arrays.js';

/**
 * MPJPE per frame, in the input's unit (metres in eval files): both skeletons pelvis-aligned
 * (midpoint of the LSP hips), then the mean joint distance. Frames with mask 0 are NaN, so the
 * aggregators skip them.
 */
export function mpjpePerFrame(pred: JointValues, gt: JointValues, jointCount: number, frameMask?: Uint8Array): Float64Array {
  const frames = frameCountOf(gt, jointCount, 3);
  if (pred.length !== gt.length) throw new RangeError(`prediction has ${pred.length} values, ground truth ${gt.length}`);
  const predAligned = alignByPelvis(pred, jointCount);
  const gtAligned = alignByPelvis(gt, jointCount);
  const errors = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const offset = f * jointCount * 3;
    errors[f] =
      frameMask && !frameMask[f] ? NaN : meanPointDistance(predAligned, offset, gtAligned, offset, jointCount, 3);
  }
  return errors;
}
