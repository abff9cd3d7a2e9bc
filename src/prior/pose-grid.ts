/**
 * A grid of body poses as a PNG, so a person can look at what a prior draws: each pose is posed
 * through the body model (mean shape, upright root facing the camera), its LSP-14 joints drawn as
 * a front-view skeleton panel (src/render's skeleton-3d), the panels tiled row by row.
 */
import { writeFileSync } from 'node:fs';
import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import type { BodyModel } from '../body/types.js';
import { encodePng } from '../render/png.js';
import { blankImage, blit, type RgbImage } from '../render/raster.js';
import { drawSkeletonPanel } from '../render/skeleton-3d.js';
import * as tf from '../tf/tf.js';
import { FLOW_POSE_DIMS, SMPL_POSE_LENGTH } from './flow-architecture.js';

export const GRID_PANEL = { width: 150, height: 200 } as const;
const SHAPE_SIZE = 10;

/**
 * Non-root poses [N × 69] → LSP-14 joints [N × 14 × 3] in the camera frame (y down). The root is
 * Rx(π), which stands SMPL's y-up body upright facing the camera (HMR's mean root).
 */
export function jointsOfPoses(body: BodyModel, bodyPoses: Float32Array): Float32Array {
  const count = bodyPoses.length / FLOW_POSE_DIMS;
  return tf.tidy(() => {
    const full = new Float32Array(count * SMPL_POSE_LENGTH);
    for (let i = 0; i < count; i++) {
      full[i * SMPL_POSE_LENGTH] = Math.PI;
      full.set(bodyPoses.subarray(i * FLOW_POSE_DIMS, (i + 1) * FLOW_POSE_DIMS), i * SMPL_POSE_LENGTH + SMPL_POSE_LENGTH - FLOW_POSE_DIMS);
    }
    const { keypoints } = body.posedKeypoints(tf.tensor2d(full, [count, SMPL_POSE_LENGTH]), tf.zeros([count, SHAPE_SIZE]), 'lsp14');
    return keypoints.dataSync() as Float32Array;
  });
}

/** Tiles front-view skeleton panels of every pose's joints, `columns` per row. */
export function drawPoseGrid(joints: Float32Array, columns: number): RgbImage {
  const perPose = LSP_JOINT_COUNT * 3;
  const count = joints.length / perPose;
  const rows = Math.max(1, Math.ceil(count / columns));
  const grid = blankImage(columns * GRID_PANEL.width, rows * GRID_PANEL.height);
  const panel = blankImage(GRID_PANEL.width, GRID_PANEL.height);
  for (let i = 0; i < columns * rows; i++) {
    drawSkeletonPanel(panel, i < count ? joints.subarray(i * perPose, (i + 1) * perPose) : undefined, 'front');
    blit(grid, panel, (i % columns) * GRID_PANEL.width, Math.floor(i / columns) * GRID_PANEL.height);
  }
  return grid;
}

/** Renders the poses [N × 69] as a grid PNG at `outPath`; returns the image size. */
export function writePoseGridPng(body: BodyModel, bodyPoses: Float32Array, outPath: string): { width: number; height: number; columns: number } {
  const count = bodyPoses.length / FLOW_POSE_DIMS;
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  const grid = drawPoseGrid(jointsOfPoses(body, bodyPoses), columns);
  writeFileSync(outPath, encodePng(grid));
  return { width: grid.width, height: grid.height, columns };
}
