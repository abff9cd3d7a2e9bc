/**
 * A body model's rest pose for one shape, in plain double precision (no tfjs): the T-pose mesh
 * v_template + shapedirs·β and its joints J_regressor · vertices. Exporters take bone offsets and
 * the bind-pose mesh from it; pose blend shapes are not part of a rest pose.
 */
import { SMPL_JOINT_COUNT, SMPL_SHAPE_SIZE } from '../body/joint-sets.js';
import type { BodyModelData } from '../body/model-data.js';

export interface RestBody {
  /** [V, 3] metres, model frame (y up, facing +z). */
  vertices: Float64Array;
  /** [24, 3] rest joint positions. */
  joints: Float64Array;
}

export function restBody(model: BodyModelData, betas: ArrayLike<number>): RestBody {
  const v = model.vertexCount;
  const vertices = new Float64Array(v * 3);
  for (let row = 0; row < v * 3; row++) {
    let value = model.vTemplate[row]!;
    for (let b = 0; b < SMPL_SHAPE_SIZE; b++) value += model.shapeDirs[row * SMPL_SHAPE_SIZE + b]! * betas[b]!;
    vertices[row] = value;
  }
  const joints = new Float64Array(SMPL_JOINT_COUNT * 3);
  for (let j = 0; j < SMPL_JOINT_COUNT; j++) {
    for (let i = 0; i < v; i++) {
      const weight = model.jointRegressor[j * v + i]!;
      if (weight === 0) continue;
      for (let c = 0; c < 3; c++) joints[j * 3 + c]! += weight * vertices[i * 3 + c]!;
    }
  }
  return { vertices, joints };
}
