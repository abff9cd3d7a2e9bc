/**
 * Precomputation for posing keypoints without posing the mesh (the training fast path).
 *
 * A keypoint is a fixed linear combination of posed vertices, k = Σ_v R_kv · v_posed, and LBS is
 * v_posed = Σ_j w_vj · A_j · [t_v + S_v β + P_v p ; 1], where A_j is joint j's 3×4 skinning transform,
 * β the shape and p the 207 pose-blend features. Swapping the sums:
 *
 *   k = Σ_j A_j · m_kj,   m_kj = Σ_v R_kv w_vj [t_v + S_v β + P_v p ; 1] = base_kj + D_kj · [β ; p]
 *
 * so every m_kj is one affine function of [β ; p] whose coefficients are precomputed here. Only
 * joints that actually influence a keypoint's vertices appear (a wrist keypoint involves the
 * forearm, wrist and hand joints, not all 24), so the per-sample cost is a [226 × P·4] product with
 * P = K × (joints per keypoint) plus P 3×4 transform applications, instead of a [226 × 3V] product,
 * V blended 3×4 transforms and a [K × V] regression. For the stand-in (V = 1560, K = 25, 2 joints
 * per keypoint: P·4 = 200 columns against 3V = 4680) that is over 20x fewer multiply-adds; for SMPL
 * (V = 6890) the ratio grows with V. The result equals regressing from the full mesh up to float
 * rounding (tests check this).
 */
import type { BodyModelData } from './model-data.js';
import { POSE_FEATURE_SIZE } from './model-data.js';
import { SMPL_JOINT_COUNT, SMPL_SHAPE_SIZE } from './joint-sets.js';

/** Rows of the blend input [β ; p] while accumulating: 10 shape values then 207 pose features. */
const BLEND_INPUT_SIZE = SMPL_SHAPE_SIZE + POSE_FEATURE_SIZE;

export interface KeypointSkinning {
  keypointCount: number;
  /** Joints kept per keypoint (the largest count; shorter lists are padded with zero weight). */
  slotsPerKeypoint: number;
  /** [K · slots] joint feeding each (keypoint, slot); pairs are keypoint-major. */
  joints: Int32Array;
  /** [10, K · slots · 4] row-major: the β part of D_kj per pair, homogeneous 4th column zero. */
  shapeDirections: Float32Array;
  /**
   * [216, K · slots · 4]: the pose part, one row per entry of R_j − I for all 24 joints; the root's
   * 9 rows are zero (SMPL's pose blend shapes ignore the root rotation).
   */
  poseDirections: Float32Array;
  /** [K · slots · 4]: base_kj, its 4th component being Σ_v R_kv w_vj. */
  base: Float32Array;
}

export function keypointSkinning(model: BodyModelData, regressor: { count: number; weights: Float32Array }): KeypointSkinning {
  const vertexCount = model.vertexCount;
  const keypointCount = regressor.count;
  // Per keypoint: joint → accumulated coefficients [4 base, 3 × 217 directions], in float64.
  const perKeypoint: Map<number, Float64Array>[] = [];
  for (let k = 0; k < keypointCount; k++) {
    const pairs = new Map<number, Float64Array>();
    for (let v = 0; v < vertexCount; v++) {
      const r = regressor.weights[k * vertexCount + v]!;
      if (r === 0) continue;
      for (let j = 0; j < SMPL_JOINT_COUNT; j++) {
        const w = model.skinWeights[v * SMPL_JOINT_COUNT + j]!;
        if (w === 0) continue;
        let acc = pairs.get(j);
        if (!acc) pairs.set(j, (acc = new Float64Array(4 + 3 * BLEND_INPUT_SIZE)));
        accumulateVertex(acc, model, v, r * w);
      }
    }
    perKeypoint.push(pairs);
  }

  const slotsPerKeypoint = Math.max(1, ...perKeypoint.map((pairs) => pairs.size));
  const columns = keypointCount * slotsPerKeypoint * 4;
  const joints = new Int32Array(keypointCount * slotsPerKeypoint);
  const shapeDirections = new Float32Array(SMPL_SHAPE_SIZE * columns);
  const poseDirections = new Float32Array(SMPL_JOINT_COUNT * 9 * columns);
  const base = new Float32Array(columns);
  perKeypoint.forEach((pairs, k) => {
    [...pairs.entries()]
      .sort(([a], [b]) => a - b)
      .forEach(([joint, acc], slot) => {
        const pair = k * slotsPerKeypoint + slot;
        joints[pair] = joint;
        for (let c = 0; c < 4; c++) base[pair * 4 + c] = acc[c]!;
        for (let c = 0; c < 3; c++) {
          const from = 4 + c * BLEND_INPUT_SIZE;
          for (let s = 0; s < SMPL_SHAPE_SIZE; s++) shapeDirections[s * columns + pair * 4 + c] = acc[from + s]!;
          for (let p = 0; p < POSE_FEATURE_SIZE; p++) poseDirections[(9 + p) * columns + pair * 4 + c] = acc[from + SMPL_SHAPE_SIZE + p]!;
        }
      });
  });
  return { keypointCount, slotsPerKeypoint, joints, shapeDirections, poseDirections, base };
}

/** acc += coefficient × [t_v ; 1] and coefficient × [S_v | P_v] (3 × 217). */
function accumulateVertex(acc: Float64Array, model: BodyModelData, v: number, coefficient: number): void {
  for (let c = 0; c < 3; c++) {
    acc[c] = acc[c]! + coefficient * model.vTemplate[v * 3 + c]!;
    const row = 4 + c * BLEND_INPUT_SIZE;
    const shapeAt = (v * 3 + c) * SMPL_SHAPE_SIZE;
    for (let s = 0; s < SMPL_SHAPE_SIZE; s++) acc[row + s] = acc[row + s]! + coefficient * model.shapeDirs[shapeAt + s]!;
    const poseAt = (v * 3 + c) * POSE_FEATURE_SIZE;
    for (let p = 0; p < POSE_FEATURE_SIZE; p++) {
      const value = model.poseDirs[poseAt + p]!;
      if (value !== 0) acc[row + SMPL_SHAPE_SIZE + p] = acc[row + SMPL_SHAPE_SIZE + p]! + coefficient * value;
    }
  }
  acc[3] = acc[3]! + coefficient;
}

/**
 * Rest joints as an affine function of β: J = J_regressor · (t + S β) = jointTemplate + β · jointShapeDirs.
 * Returns jointTemplate [24 · 3] and jointShapeDirs [10, 24 · 3] (row-major).
 */
export function jointShapeRegression(model: BodyModelData): { template: Float32Array; shapeDirs: Float32Array } {
  const vertexCount = model.vertexCount;
  const template = new Float64Array(SMPL_JOINT_COUNT * 3);
  const shapeDirs = new Float64Array(SMPL_SHAPE_SIZE * SMPL_JOINT_COUNT * 3);
  for (let j = 0; j < SMPL_JOINT_COUNT; j++) {
    for (let v = 0; v < vertexCount; v++) {
      const r = model.jointRegressor[j * vertexCount + v]!;
      if (r === 0) continue;
      for (let c = 0; c < 3; c++) {
        template[j * 3 + c]! += r * model.vTemplate[v * 3 + c]!;
        for (let s = 0; s < SMPL_SHAPE_SIZE; s++) {
          shapeDirs[s * SMPL_JOINT_COUNT * 3 + j * 3 + c]! += r * model.shapeDirs[(v * 3 + c) * SMPL_SHAPE_SIZE + s]!;
        }
      }
    }
  }
  return { template: Float32Array.from(template), shapeDirs: Float32Array.from(shapeDirs) };
}
