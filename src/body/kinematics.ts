/**
 * Forward kinematics along SMPL's kinematic tree (spec B1, HMR batch_global_rigid_transformation),
 * straight to the skinning transforms A_j = G_j · T(−J_j) (global transform with the rest pose
 * removed): since G_j = G_parent · [R_j | J_j − J_parent],
 *
 *   A_j = A_parent · [R_j | (I − R_j) J_j],   A_root = [R_0 | (I − R_0) J_0],
 *
 * and the posed joint is A_j · [J_j ; 1]. One batched [N,4,4]·[N,4,4] product per joint.
 *
 * Layout is joint-major ([24, N, ...], joint j's samples contiguous): taking one joint out is then a
 * contiguous copy, and the 4×4 matrices are assembled by products with constant placement matrices
 * instead of concat/pad (both slow on wasm; see constant-ops.ts).
 */
import * as tf from '../tf/tf.js';
import { ConstantMatrix, placementMatrix } from './constant-ops.js';

export interface KinematicsResult {
  /** Posed joints, joint-major [J · N, 3]. */
  joints: tf.Tensor2D;
  /** Skinning transforms A_j, joint-major [J, N · 12] (row-major 3×4 per sample). */
  transforms: tf.Tensor2D;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export class KinematicTree {
  readonly parents: readonly number[];
  private readonly rotationInto4x4 = new ConstantMatrix(placementMatrix(9, 16, range(9).map((i) => [i, 4 * Math.floor(i / 3) + (i % 3)])), 9, 16);
  private readonly translationInto4x4 = new ConstantMatrix(placementMatrix(3, 16, range(3).map((i) => [i, 4 * i + 3])), 3, 16);
  private readonly pointToHomogeneous = new ConstantMatrix(placementMatrix(3, 4, range(3).map((i) => [i, i])), 3, 4);
  /** The first 12 of 16 row-major entries are the top 3×4 block. */
  private readonly top3x4 = new ConstantMatrix(placementMatrix(16, 12, range(12).map((i) => [i, i])), 16, 12);
  private readonly dropHomogeneous = new ConstantMatrix(placementMatrix(4, 3, range(3).map((i) => [i, i])), 4, 3);

  constructor(parents: readonly number[]) {
    parents.forEach((parent, joint) => {
      if (joint === 0 ? parent !== -1 : parent < 0 || parent >= joint) {
        throw new RangeError(`kinematic tree must list parents before children (joint ${joint} has parent ${parent})`);
      }
    });
    this.parents = [...parents];
  }

  /** rotations: local, joint-major [J · N, 9]; restJoints: joint-major [J · N, 3]. */
  pose(rotations: tf.Tensor2D, restJoints: tf.Tensor2D): KinematicsResult {
    return tf.tidy(() => {
      const rows = rotations.shape[0];
      const count = this.parents.length;
      const n = rows / count;
      const rotated: tf.Tensor2D = tf.reshape(tf.matMul(tf.reshape(rotations, [rows, 3, 3]), tf.reshape(restJoints, [rows, 3, 1])), [rows, 3]);
      const local = tf.add(
        tf.add(this.rotationInto4x4.rightMultiply(rotations), this.translationInto4x4.rightMultiply(tf.sub(restJoints, rotated))),
        tf.tensor2d([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [1, 16]),
      );
      const locals = tf.unstack(tf.reshape(local, [count, n, 4, 4]), 0) as tf.Tensor3D[];
      const chained: tf.Tensor3D[] = [];
      this.parents.forEach((parent, joint) => chained.push(parent < 0 ? locals[joint]! : tf.matMul(chained[parent]!, locals[joint]!)));
      const skinning = tf.stack(chained, 0); // [J, N, 4, 4]
      const flat: tf.Tensor2D = tf.reshape(skinning, [rows, 16]);
      const restHomogeneous: tf.Tensor2D = tf.add(this.pointToHomogeneous.rightMultiply(restJoints), tf.tensor2d([0, 0, 0, 1], [1, 4]));
      const posed = tf.matMul(tf.reshape(skinning, [rows, 4, 4]), tf.reshape(restHomogeneous, [rows, 4, 1]));
      return {
        joints: this.dropHomogeneous.rightMultiply(tf.reshape(posed, [rows, 4])),
        transforms: tf.reshape(this.top3x4.rightMultiply(flat), [count, n * 12]) as tf.Tensor2D,
      };
    });
  }

  dispose(): void {
    for (const matrix of [this.rotationInto4x4, this.translationInto4x4, this.pointToHomogeneous, this.top3x4, this.dropHomogeneous]) {
      matrix.dispose();
    }
  }
}
