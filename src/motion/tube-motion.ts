/**
 * One tube's stored predictions as motion: per frame the 24 SMPL joint rotations (as quaternions,
 * each joint's sequence on one hemisphere so interpolation and smoothing take the short way), the
 * camera-frame translation of the body where the frame size is known, and one body shape (the
 * tube's mean β: a skeleton has one set of bone lengths). Rotations stay in SMPL's frames here
 * (the root maps the body into the camera frame, y down); writers convert to their export frame.
 */
import { SMPL_JOINT_COUNT, SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from '../body/joint-sets.js';
import type { CropParams } from '../domain.js';
import type { StoredTubePrediction } from '../store/predictions.js';
import { cameraTranslation, type FrameSize } from './camera.js';
import { dot, quaternionFromRotationVector, rotationVectorOfQuaternion, type Quaternion, type Vector3 } from '../util/rotation.js';
import { ROTATIONS, smoothSequence, VECTORS, type SmoothingOptions } from './smoothing.js';

export const THETA_SIZE = 85;
const POSE_OFFSET = 3;
const SHAPE_OFFSET = POSE_OFFSET + SMPL_POSE_SIZE;

export interface TubeMotion {
  tubeId: number;
  name: string;
  /** Frames per second of the tube (the rate its frames were labelled at). */
  fps: number;
  frameIndices: Int32Array;
  /** [F][24] local joint rotations, root first. */
  rotations: Quaternion[][];
  /** [F] camera-frame position of the body model's origin (metres), or null when unknown. */
  translations: Vector3[] | null;
  /** Mean β over the tube's frames. */
  betas: Float64Array;
  /** What was stored, for formats that carry it through (npz). */
  prediction: StoredTubePrediction;
  /** [F] the crops the predictions were made in. */
  crops: CropParams[];
  frameSize: FrameSize | null;
}

/** Builds a tube's motion; `frameSize` and `focalLength` are needed for translations. */
export function tubeMotion(prediction: StoredTubePrediction, crops: CropParams[], frameSize: FrameSize | null, focalLength: number | null): TubeMotion {
  const frames = prediction.frameIndices.length;
  if (crops.length !== frames) throw new Error(`tube ${prediction.tubeId}: ${crops.length} crops for ${frames} predicted frames`);
  const theta = prediction.theta;
  const rotations: Quaternion[][] = [];
  for (let f = 0; f < frames; f++) {
    rotations.push(Array.from({ length: SMPL_JOINT_COUNT }, (_, j) => quaternionFromRotationVector(theta, f * THETA_SIZE + POSE_OFFSET + j * 3)));
  }
  alignHemispheres(rotations);
  const betas = new Float64Array(SMPL_SHAPE_SIZE);
  for (let f = 0; f < frames; f++) for (let b = 0; b < SMPL_SHAPE_SIZE; b++) betas[b]! += theta[f * THETA_SIZE + SHAPE_OFFSET + b]! / frames;
  const translations =
    frameSize && focalLength !== null
      ? Array.from({ length: frames }, (_, f) => cameraTranslation(theta.subarray(f * THETA_SIZE, f * THETA_SIZE + 3), crops[f]!, frameSize, focalLength))
      : null;
  return { tubeId: prediction.tubeId, name: prediction.name, fps: prediction.fps, frameIndices: prediction.frameIndices, rotations, translations, betas, prediction, crops, frameSize };
}

/** Flips q to −q where needed so each joint's consecutive quaternions have a non-negative dot product. */
function alignHemispheres(rotations: Quaternion[][]): void {
  for (let f = 1; f < rotations.length; f++) {
    rotations[f]!.forEach((q, j) => {
      if (dot(q, rotations[f - 1]![j]!) < 0) rotations[f]![j] = [-q[0], -q[1], -q[2], -q[3]];
    });
  }
}

/** The motion with each joint's rotations and the translations smoothed over time. */
export function smoothMotion(motion: TubeMotion, options: SmoothingOptions): TubeMotion {
  if (options.method === 'none') return motion;
  const perJoint = Array.from({ length: SMPL_JOINT_COUNT }, (_, j) => smoothSequence(ROTATIONS, motion.rotations.map((frame) => frame[j]!), motion.fps, options));
  const rotations = motion.rotations.map((_, f) => perJoint.map((sequence) => sequence[f]!));
  alignHemispheres(rotations);
  const translations = motion.translations && (smoothSequence(VECTORS, motion.translations, motion.fps, options) as Vector3[]);
  return { ...motion, rotations, translations };
}

/** [F, 72] SMPL axis-angle pose of the motion's rotations (smoothed ones, after smoothMotion). */
export function motionPose(motion: TubeMotion): Float32Array {
  const pose = new Float32Array(motion.rotations.length * SMPL_POSE_SIZE);
  motion.rotations.forEach((frame, f) => frame.forEach((q, j) => pose.set(rotationVectorOfQuaternion(q), f * SMPL_POSE_SIZE + j * 3)));
  return pose;
}
