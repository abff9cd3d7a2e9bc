/**
 * SMPL parameters per frame as an .npz with the keys of VIBE's per-person output (VIBE demo.py),
 * so scripts written for VIBE read it: pred_cam [F, 3] (weak-perspective s, tx, ty in the crop),
 * orig_cam [F, 4] (sx, sy, tx, ty in the whole frame; only when the frame size is known), pose
 * [F, 72] (axis-angle, root first, camera frame; smoothed when smoothing is on), betas [F, 10],
 * joints3d [F, J, 3] (the stored joints of the run's joint set, metres, model frame — VIBE's are
 * 49 SPIN joints), bboxes [F, 4] (crop centre x, y and side w, h in original pixels) and frame_ids
 * [F]. hmmr adds fps [1], past_pose and future_pose [F, 72] (when predicted) and joint_set is in
 * the docs (npz has no strings here). VIBE's verts [F, 6890, 3] are left out.
 */
import { SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from '../body/joint-sets.js';
import { makeNpyArray, type NpyArray } from '../util/npz.js';
import { originalFrameCamera } from './camera.js';
import { motionPose, THETA_SIZE, type TubeMotion } from './tube-motion.js';

const CROP_SIZE_PX = 224;

export function smplArrays(motion: TubeMotion): Map<string, NpyArray> {
  const { prediction, crops, frameSize } = motion;
  const frames = prediction.frameIndices.length;
  const column = (offset: number, width: number) => {
    const out = new Float32Array(frames * width);
    for (let f = 0; f < frames; f++) out.set(prediction.theta.subarray(f * THETA_SIZE + offset, f * THETA_SIZE + offset + width), f * width);
    return out;
  };
  const jointCount = prediction.joints3d.length / frames / 3;
  const arrays = new Map<string, NpyArray>([
    ['pred_cam', makeNpyArray('float32', [frames, 3], column(0, 3))],
    ['pose', makeNpyArray('float32', [frames, SMPL_POSE_SIZE], motionPose(motion))],
    ['betas', makeNpyArray('float32', [frames, SMPL_SHAPE_SIZE], column(3 + SMPL_POSE_SIZE, SMPL_SHAPE_SIZE))],
    ['joints3d', makeNpyArray('float32', [frames, jointCount, 3], prediction.joints3d)],
    ['bboxes', makeNpyArray('float32', [frames, 4], Float32Array.from(crops.flatMap((crop) => [crop.centerX, crop.centerY, CROP_SIZE_PX / crop.scale, CROP_SIZE_PX / crop.scale])))],
    ['frame_ids', makeNpyArray('int32', [frames], prediction.frameIndices)],
    ['fps', makeNpyArray('float32', [1], Float32Array.of(motion.fps))],
  ]);
  if (frameSize) {
    const camera = column(0, 3);
    const orig = Float32Array.from(crops.flatMap((crop, f) => originalFrameCamera(camera.subarray(f * 3, f * 3 + 3), crop, frameSize)));
    arrays.set('orig_cam', makeNpyArray('float32', [frames, 4], orig));
  }
  if (prediction.pastPose) arrays.set('past_pose', makeNpyArray('float32', [frames, SMPL_POSE_SIZE], prediction.pastPose));
  if (prediction.futurePose) arrays.set('future_pose', makeNpyArray('float32', [frames, SMPL_POSE_SIZE], prediction.futurePose));
  return arrays;
}
