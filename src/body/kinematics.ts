/**
 * Forward kinematics along SMPL's kinematic tree (spec B1, HMR batch_global_rigid_transformation).
 * Each joint's local transform is [R_i | J_i − J_parent] (the root's is [R_0 | J_0]); global
 * transforms are chained parent · local, one batched [N,3,4]·[N,4,4] product per joint (matMul beat
 * an elementwise 3×3 product on both wasm and cpu, gradients included). Skinning then needs each
 * global transform with the rest pose removed: [R_g | t_g − R_g · J_rest].
 */
import * as tf from '../train/tf.js';
import { ConstantMatrix } from './constant-ops.js';

export interface KinematicsResult {
  /** Posed joint positions [N, J, 3]. */
  joints: tf.Tensor3D;
  /** Skinning transforms [N, J, 12]: row-major 3×4 [R_g | t_g − R_g · J_rest]. */
  transforms: tf.Tensor3D;
}

export class KinematicTree {
  readonly parents: readonly number[];
  /** offsets = D · J with D = I − (one-hot parent), so J_i − J_parent(i) needs no gather. */
  private readonly offsetMatrix: ConstantMatrix;

  constructor(parents: readonly number[]) {
    parents.forEach((parent, joint) => {
      if (joint === 0 ? parent !== -1 : parent < 0 || parent >= joint) {
        throw new RangeError(`kinematic tree must list parents before children (joint ${joint} has parent ${parent})`);
      }
    });
    this.parents = [...parents];
    const count = parents.length;
    const difference = new Float32Array(count * count);
    parents.forEach((parent, joint) => {
      difference[joint * count + joint] = 1;
      if (parent >= 0) difference[joint * count + parent] = -1;
    });
    this.offsetMatrix = new ConstantMatrix(difference, count, count);
  }

  /** rotations [N, J, 9] local (row-major), restJoints [N, J, 3]. */
  pose(rotations: tf.Tensor3D, restJoints: tf.Tensor3D): KinematicsResult {
    return tf.tidy(() => {
      const n = rotations.shape[0];
      const count = this.parents.length;
      const offsets = this.offsetMatrix.leftMultiply(restJoints); // [N, J, 3]
      const local34 = tf.concat([tf.reshape(rotations, [n, count, 3, 3]), tf.reshape(offsets, [n, count, 3, 1])], 3);
      // Homogeneous 4×4: append the row [0, 0, 0, 1].
      const local44 = tf.add(tf.pad(local34, [[0, 0], [0, 0], [0, 1], [0, 0]]), tf.tensor4d([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [1, 1, 4, 4]));
      const locals = tf.unstack(local44, 1) as tf.Tensor3D[]; // J × [N, 4, 4]
      const globals: tf.Tensor3D[] = [];
      this.parents.forEach((parent, joint) => {
        globals.push(parent < 0 ? tf.slice(locals[joint]!, [0, 0, 0], [n, 3, 4]) : tf.matMul(globals[parent]!, locals[joint]!));
      });
      const global = tf.reshape(tf.stack(globals, 1), [n * count, 3, 4]);
      const rotation = tf.slice(global, [0, 0, 0], [n * count, 3, 3]);
      const translation = tf.slice(global, [0, 0, 3], [n * count, 3, 1]);
      const restRotated = tf.matMul(rotation, tf.reshape(restJoints, [n * count, 3, 1]));
      const joints: tf.Tensor3D = tf.reshape(translation, [n, count, 3]);
      const transforms: tf.Tensor3D = tf.reshape(tf.concat([rotation, tf.sub(translation, restRotated)], 2), [n, count, 12]);
      return { joints, transforms };
    });
  }

  dispose(): void {
    this.offsetMatrix.dispose();
  }
}
