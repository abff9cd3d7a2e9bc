/**
 * What BVH and glTF share: the 24-joint skeleton of a tube's shape (bone offsets from the rest
 * joints) and per frame the joints' local rotations and the root joint's position, in the export
 * frame: y up, the camera at the origin looking down −z (glTF's and OpenGL's camera convention).
 * SMPL's camera frame is y down and looking down +z, so the export frame is it turned half a turn
 * about x; only the root's rotation and position change, every other joint's rotation is local.
 */
import { SMPL_JOINT_COUNT, SMPL_PARENTS } from '../body/joint-sets.js';
import type { RestBody } from './rest-body.js';
import { multiply, rotate, type Quaternion, type Vector3 } from '../util/rotation.js';
import type { TubeMotion } from './tube-motion.js';

/** Half a turn about x: camera frame → export frame. */
export const CAMERA_TO_EXPORT: Quaternion = [1, 0, 0, 0];

export interface SkeletonAnimation {
  /** [24] offset of each joint from its parent at rest; the root's is its rest position. */
  offsets: Vector3[];
  /** [F][24] local rotations, the root's in the export frame. */
  rotations: Quaternion[][];
  /**
   * [F] root joint position in the export frame: the camera-frame body translation turned into the
   * export frame where it is known; otherwise the root stays at its rest position.
   */
  rootPositions: Vector3[];
  /** Seconds between frames. */
  frameTime: number;
}

export function skeletonAnimation(motion: TubeMotion, rest: RestBody): SkeletonAnimation {
  const joint = (j: number): Vector3 => [rest.joints[j * 3]!, rest.joints[j * 3 + 1]!, rest.joints[j * 3 + 2]!];
  const offsets = Array.from({ length: SMPL_JOINT_COUNT }, (_, j): Vector3 => {
    const position = joint(j);
    const parent = SMPL_PARENTS[j]!;
    if (parent < 0) return position;
    const from = joint(parent);
    return [position[0] - from[0], position[1] - from[1], position[2] - from[2]];
  });
  const root = joint(0);
  const rotations = motion.rotations.map((frame) => frame.map((q, j) => (j === 0 ? multiply(CAMERA_TO_EXPORT, q) : q)));
  const rootPositions = motion.rotations.map((_, f): Vector3 => {
    const t = motion.translations?.[f];
    return t ? rotate(CAMERA_TO_EXPORT, [root[0] + t[0], root[1] + t[1], root[2] + t[2]]) : root;
  });
  return { offsets, rotations, rootPositions, frameTime: 1 / motion.fps };
}
