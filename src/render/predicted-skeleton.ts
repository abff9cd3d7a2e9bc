/**
 * The predicted 3D skeleton drawn into the video: each frame's LSP-14 joints projected through the
 * frame's own weak-perspective camera and crop — the projection the network is trained with —
 * x_orig = centre + (112·s / crop scale)·(X + t), for x and y alike.
 */
import { KEYPOINT_SETS, LSP_JOINT_COUNT } from '../body/joint-sets.js';
import type { CropParams, KeypointFormat } from '../domain.js';
import type { StoredTubePrediction } from '../store/predictions.js';
import type { OverlayPerson } from './pose-overlay.js';
import type { Rgb } from './raster.js';
import { LSP_BONES } from './skeleton-3d.js';

export const LSP14_FORMAT: KeypointFormat = { name: 'lsp14', keypoints: KEYPOINT_SETS.lsp14!, limbs: LSP_BONES };
/** Predictions are drawn in white over the tracks' colours. */
export const PREDICTED_COLOR: Rgb = [255, 255, 255];

const HALF_CROP_PX = 112;
const THETA_SIZE = 85;

/** One frame's joints [14 × 3] → keypoints [14 × 3] (x, y, confidence 1) in original pixels. */
export function projectPredictedJoints(joints3d: ArrayLike<number>, camera: ArrayLike<number>, crop: CropParams): Float32Array {
  const pixelsPerMetre = (HALF_CROP_PX * camera[0]!) / crop.scale;
  const out = new Float32Array(LSP_JOINT_COUNT * 3);
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    out[j * 3] = crop.centerX + pixelsPerMetre * (joints3d[j * 3]! + camera[1]!);
    out[j * 3 + 1] = crop.centerY + pixelsPerMetre * (joints3d[j * 3 + 1]! + camera[2]!);
    out[j * 3 + 2] = 1;
  }
  return out;
}

/** Frame index → the predicted skeletons to draw on it; `cropsOf(tubeId)` gives a tube's crops by frame index. */
export function predictedSkeletons(predictions: readonly StoredTubePrediction[], cropsOf: (tubeId: number) => ReadonlyMap<number, CropParams>): Map<number, OverlayPerson[]> {
  const byFrame = new Map<number, OverlayPerson[]>();
  for (const tube of predictions) {
    const crops = cropsOf(tube.tubeId);
    const jointFloats = LSP_JOINT_COUNT * 3;
    tube.frameIndices.forEach((frameIndex, f) => {
      const crop = crops.get(frameIndex);
      if (!crop) return;
      const keypoints = projectPredictedJoints(tube.joints3d.subarray(f * jointFloats, (f + 1) * jointFloats), tube.theta.subarray(f * THETA_SIZE, f * THETA_SIZE + 3), crop);
      const list = byFrame.get(frameIndex) ?? [];
      list.push({ keypoints, color: PREDICTED_COLOR });
      byFrame.set(frameIndex, list);
    });
  }
  return byFrame;
}
