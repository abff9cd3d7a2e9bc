import { flipSmplPose, keypointFlipPermutation, LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import { KEYPOINT_COUNT } from './sequence.js';

const KEYPOINT_FLIP = keypointFlipPermutation('hmmr25');
const LSP_FLIP = keypointFlipPermutation('lsp14');

/**
 * Horizontal flip of whole windows (spec B2: whole-tube flip, keypoints swap L/R by name, 3D joints
 * swap L/R and negate x, the SMPL pose swaps joint pairs and negates y and z). Normalised crop
 * coordinates are centred, so mirroring the crop is x → −x; missing points stay 0, 0, 0.
 */
export function flipKeypoints(keypoints: Float32Array, frames: number): Float32Array {
  return permuteAndNegateX(keypoints, frames, KEYPOINT_COUNT, KEYPOINT_FLIP, 3);
}

/** [frames, 14, 3] LSP joints. */
export function flipJoints3d(joints: Float32Array, frames: number): Float32Array {
  return permuteAndNegateX(joints, frames, LSP_JOINT_COUNT, LSP_FLIP, 3);
}

/** [frames, 72] axis-angle poses. */
export function flipPoses(poses: Float32Array): Float32Array {
  return flipSmplPose(poses);
}

function permuteAndNegateX(values: Float32Array, frames: number, points: number, permutation: Int32Array, stride: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < points; k++) {
      const from = (f * points + permutation[k]!) * stride;
      const to = (f * points + k) * stride;
      out[to] = -values[from]!;
      for (let c = 1; c < stride; c++) out[to + c] = values[from + c]!;
    }
  }
  return out;
}
