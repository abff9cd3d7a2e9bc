import type { Bone, QuaternionKeyframeTrack, VectorKeyframeTrack } from 'three';
import { BVHLoader } from 'three/examples/jsm/loaders/BVHLoader.js';
import { SMPL_JOINT_NAMES } from '../../src/body/joint-sets.js';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import * as tf from '../../src/tf/tf.js';

/**
 * The reference joint positions for exported motion: the body model's own forward kinematics in
 * tfjs (the training code path) for each frame's pose of Θ [F, 85] with one shape → [F, 24, 3]
 * posed joints in SMPL's camera frame (y down). Exporters are checked against these.
 */
export function modelJoints(body: LbsBodyModel, theta: Float32Array, betas: ArrayLike<number>): Float32Array {
  const frames = theta.length / 85;
  const pose = Float32Array.from({ length: frames * 72 }, (_, i) => theta[Math.floor(i / 72) * 85 + 3 + (i % 72)]!);
  const shape = Float32Array.from({ length: frames * 10 }, (_, i) => betas[i % 10]!);
  return tf.tidy(() => body.posedKeypoints(tf.tensor2d(pose, [frames, 72]), tf.tensor2d(shape, [frames, 10]), 'lsp14').joints.dataSync() as Float32Array);
}

/** Camera frame → export frame (half a turn about x): (x, y, z) → (x, −y, −z), in place. */
export function turnToExportFrame(points: Float32Array): Float32Array {
  for (let i = 0; i < points.length; i += 3) points.set([points[i]!, -points[i + 1]!, -points[i + 2]!], i);
  return points;
}

/** Joint world positions per frame [F, 24, 3] from three.js's BVH parser: each track's keyframe f applied to its bone. */
export function bvhJointPositions(text: string): { positions: Float32Array; frameTime: number; names: string[] } {
  const { skeleton, clip } = new BVHLoader().parse(text);
  const bones = new Map(skeleton.bones.map((bone) => [bone.name, bone]));
  const times = (clip.tracks[0] as QuaternionKeyframeTrack).times;
  const names = SMPL_JOINT_NAMES.filter((name) => bones.has(name));
  const positions = new Float32Array(times.length * names.length * 3);
  for (let f = 0; f < times.length; f++) {
    for (const track of clip.tracks) {
      const [boneName, property] = track.name.split('.') as [string, string];
      const bone = bones.get(boneName)!;
      if (property === 'quaternion') bone.quaternion.fromArray((track as QuaternionKeyframeTrack).values, f * 4);
      else bone.position.fromArray((track as VectorKeyframeTrack).values, f * 3);
    }
    skeleton.bones[0]!.updateMatrixWorld(true);
    names.forEach((name, j) => {
      const bone = bones.get(name) as Bone;
      const p = bone.getWorldPosition(bone.position.clone());
      positions.set([p.x, p.y, p.z], (f * names.length + j) * 3);
    });
  }
  return { positions, frameTime: times.length > 1 ? times[1]! : 0, names };
}

/** The largest distance between corresponding points of two [N, 3] arrays. */
export function worstDistance(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i += 3) worst = Math.max(worst, Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!, a[i + 2]! - b[i + 2]!));
  return worst;
}
