/**
 * The 3DPW protocol fixtures (SMPL_3DPW, TDPW) posed by hand, from their formulas: no hmmr code,
 * so tests can check the importer's joints and eval's meshes against these.
 */
import { SMPL_3DPW, TDPW } from '../../scripts/dataset-fixtures/known-values.js';

export const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Row-major rotation of an axis-angle vector (Rodrigues' formula). */
export function rotationOf(r: number[]): number[] {
  const angle = Math.hypot(r[0]!, r[1]!, r[2]!);
  if (angle === 0) return IDENTITY;
  const [x, y, z] = r.map((value) => value / angle) as [number, number, number];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const C = 1 - c;
  return [c + x * x * C, x * y * C - z * s, x * z * C + y * s, y * x * C + z * s, c + y * y * C, y * z * C - x * s, z * x * C - y * s, z * y * C + x * s, c + z * z * C];
}

export const apply = (R: number[], p: number[]) => [0, 1, 2].map((r) => R[r * 3]! * p[0]! + R[r * 3 + 1]! * p[1]! + R[r * 3 + 2]! * p[2]!);

/** Vertex v of the fixture model `gender` with these betas, before posing. */
export function shapedVertex(gender: 'm' | 'f', betas: number[], v: number): number[] {
  const model = SMPL_3DPW.model(gender);
  return [0, 1, 2].map((a) => model.vTemplate(v, a) + betas.reduce((sum, beta, k) => sum + model.shapedir(v, a, k) * beta, 0));
}

export const actorBetas = (n: number) => Array.from({ length: 10 }, (_, k) => TDPW.betas(n, k));

/**
 * Vertex v of actor n's body at frame f, without translation, with root rotation `root`: a vertex
 * following the left hip turns by R₁ (the actor's pose[3..5]) about joint 1, then the body turns by
 * `root` about joint 0 (the fixture has no pose blend shapes and one joint per vertex).
 */
export function posedVertex(gender: 'm' | 'f', n: number, f: number, v: number, root: number[]): number[] {
  const betas = actorBetas(n);
  let posed = shapedVertex(gender, betas, v);
  if (SMPL_3DPW.vertexJoint(v) === 1) {
    const hip = shapedVertex(gender, betas, SMPL_3DPW.jointVertex(1));
    const turned = apply(rotationOf([3, 4, 5].map((k) => TDPW.pose(n, f, k))), posed.map((value, a) => value - hip[a]!));
    posed = turned.map((value, a) => value + hip[a]!);
  }
  const pelvis = shapedVertex(gender, betas, SMPL_3DPW.jointVertex(0));
  return apply(root, posed.map((value, a) => value - pelvis[a]!)).map((value, a) => value + pelvis[a]!);
}
