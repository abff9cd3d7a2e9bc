/**
 * A body model's arrays in memory, in SMPL's layout, and the one validator every file format goes
 * through. File keys follow the SMPL .pkl (v_template, shapedirs, posedirs, J_regressor, weights,
 * kintree_table, f) plus keypoint regressors `J_regressor_<set>`; docs/body-model.md describes them.
 */
import { BadInputFileError } from '../errors.js';
import { KEYPOINT_SETS, LSP_JOINT_COUNT, SMPL_JOINT_COUNT, SMPL_PARENTS, SMPL_SHAPE_SIZE } from './joint-sets.js';

/** SMPL's pose blend shapes are driven by (R − I) of the 23 non-root joints: 23 × 9 values. */
export const POSE_FEATURE_SIZE = (SMPL_JOINT_COUNT - 1) * 9;

export interface BodyModelData {
  name: string;
  vertexCount: number;
  /** [V, 3] rest vertices, metres. */
  vTemplate: Float32Array;
  /** [V, 3, 10] shape blend directions (only the first 10 of a file's are kept). */
  shapeDirs: Float32Array;
  /** [V, 3, 207] pose blend directions. */
  poseDirs: Float32Array;
  /** [24, V] rest joints = jointRegressor · vertices. */
  jointRegressor: Float32Array;
  /** [V, 24] skinning weights. */
  skinWeights: Float32Array;
  /** [24] parent of each joint, -1 for the root (always SMPL's tree). */
  parents: Int32Array;
  /** [F, 3] triangles (vertex indices). */
  faces: Uint32Array;
  /** Keypoint set name → [K, V] regressor. */
  keypointRegressors: ReadonlyMap<string, { count: number; weights: Float32Array }>;
}

/** A numeric array as it comes out of a file, before validation. */
export interface RawArray {
  shape: readonly number[];
  /** Any numeric element type; converted on validation. */
  values: ArrayLike<number | bigint>;
}

export const KEYPOINT_REGRESSOR_PREFIX = 'J_regressor_';

const REQUIRED_KEYS = ['v_template', 'shapedirs', 'posedirs', 'J_regressor', 'weights', 'kintree_table', 'f'] as const;

/** Checks shapes and values and builds the model; every problem is a BadInputFileError naming `path`. */
export function bodyModelFromRaw(raw: ReadonlyMap<string, RawArray>, path: string, name: string): BodyModelData {
  const fail = (reason: string): never => {
    throw new BadInputFileError(path, reason);
  };
  const missing = REQUIRED_KEYS.filter((key) => !raw.has(key));
  if (missing.length > 0) fail(`not an SMPL-layout body model: missing ${missing.join(', ')} (see docs/body-model.md)`);
  const get = (key: string): RawArray => raw.get(key)!;
  const describeShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;
  const expectShape = (key: string, expected: readonly (number | undefined)[]): readonly number[] => {
    const shape = get(key).shape;
    const ok = shape.length === expected.length && expected.every((size, i) => size === undefined || size === shape[i]);
    if (!ok) fail(`${key} has shape ${describeShape(shape)}, expected ${describeShape(expected.map((s) => s ?? 'any') as number[])}`);
    return shape;
  };

  const vertexCount = expectShape('v_template', [undefined, 3])[0]!;
  if (vertexCount === 0) fail('v_template has no vertices');
  const kintree = expectShape('kintree_table', [2, undefined]);
  if (kintree[1] !== SMPL_JOINT_COUNT) {
    fail(`kintree_table has ${kintree[1]} joints; hmmr needs SMPL's 24 (SMPL-H / SMPL-X files are not supported)`);
  }
  const shapeDirCount = expectShape('shapedirs', [vertexCount, 3, undefined])[2]!;
  if (shapeDirCount < SMPL_SHAPE_SIZE) fail(`shapedirs has ${shapeDirCount} shape directions, at least ${SMPL_SHAPE_SIZE} needed`);
  expectShape('posedirs', [vertexCount, 3, POSE_FEATURE_SIZE]);
  expectShape('J_regressor', [SMPL_JOINT_COUNT, vertexCount]);
  expectShape('weights', [vertexCount, SMPL_JOINT_COUNT]);
  expectShape('f', [undefined, 3]);

  const floats = (key: string): Float32Array => {
    const out = Float32Array.from(get(key).values, Number);
    const bad = out.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) fail(`${key} holds a non-finite value at flat index ${bad}`);
    return out;
  };
  const integers = (key: string): number[] => Array.from(get(key).values, Number);

  const table = integers('kintree_table');
  for (let j = 0; j < SMPL_JOINT_COUNT; j++) {
    if (table[SMPL_JOINT_COUNT + j] !== j) fail(`kintree_table row 1 must list joints 0..23 in order; found ${table[SMPL_JOINT_COUNT + j]} at ${j}`);
    // The root's parent is stored as -1 or as 2^32 − 1 (SMPL's uint32 overflow); either is fine.
    if (j > 0 && table[j] !== SMPL_PARENTS[j]) {
      fail(`kintree_table is not SMPL's tree: joint ${j} has parent ${table[j]}, SMPL's is ${SMPL_PARENTS[j]}`);
    }
  }
  const faceIndices = integers('f');
  const badFace = faceIndices.findIndex((index) => !Number.isInteger(index) || index < 0 || index >= vertexCount);
  if (badFace >= 0) fail(`f refers to vertex ${faceIndices[badFace]}, but the model has ${vertexCount} vertices`);

  return {
    name,
    vertexCount,
    vTemplate: floats('v_template'),
    shapeDirs: firstShapeDirections(floats('shapedirs'), vertexCount, shapeDirCount),
    poseDirs: floats('posedirs'),
    jointRegressor: floats('J_regressor'),
    skinWeights: floats('weights'),
    parents: Int32Array.from(SMPL_PARENTS),
    faces: Uint32Array.from(faceIndices),
    keypointRegressors: keypointRegressorsFromRaw(raw, vertexCount, fail, floats),
  };
}

function firstShapeDirections(all: Float32Array, vertexCount: number, count: number): Float32Array {
  if (count === SMPL_SHAPE_SIZE) return all;
  const out = new Float32Array(vertexCount * 3 * SMPL_SHAPE_SIZE);
  for (let row = 0; row < vertexCount * 3; row++) {
    out.set(all.subarray(row * count, row * count + SMPL_SHAPE_SIZE), row * SMPL_SHAPE_SIZE);
  }
  return out;
}

function keypointRegressorsFromRaw(
  raw: ReadonlyMap<string, RawArray>,
  vertexCount: number,
  fail: (reason: string) => never,
  floats: (key: string) => Float32Array,
): Map<string, { count: number; weights: Float32Array }> {
  const regressors = new Map<string, { count: number; weights: Float32Array }>();
  for (const [key, array] of raw) {
    if (!key.startsWith(KEYPOINT_REGRESSOR_PREFIX)) continue;
    const set = key.slice(KEYPOINT_REGRESSOR_PREFIX.length);
    const [count, columns] = array.shape;
    if (array.shape.length !== 2 || columns !== vertexCount) {
      fail(`${key} has shape [${array.shape.join(', ')}], expected [K, ${vertexCount}] (one row per keypoint)`);
    }
    const expected = KEYPOINT_SETS[set]?.length;
    if (expected !== undefined && count !== expected) fail(`${key} has ${count} rows; the '${set}' set has ${expected} keypoints`);
    regressors.set(set, { count: count!, weights: floats(key) });
  }
  // The LSP joints are the first 14 canonical keypoints; derive them when a file only has those 25.
  const canonical = regressors.get('hmmr25');
  if (canonical && !regressors.has('lsp14')) {
    regressors.set('lsp14', { count: LSP_JOINT_COUNT, weights: canonical.weights.slice(0, LSP_JOINT_COUNT * vertexCount) });
  }
  return regressors;
}

/** The model as file keys and shapes (the inverse of bodyModelFromRaw), for writers. */
export function bodyModelToRaw(model: BodyModelData): Map<string, { shape: number[]; values: Float32Array | Int32Array }> {
  const v = model.vertexCount;
  const out = new Map<string, { shape: number[]; values: Float32Array | Int32Array }>([
    ['v_template', { shape: [v, 3], values: model.vTemplate }],
    ['shapedirs', { shape: [v, 3, SMPL_SHAPE_SIZE], values: model.shapeDirs }],
    ['posedirs', { shape: [v, 3, POSE_FEATURE_SIZE], values: model.poseDirs }],
    ['J_regressor', { shape: [SMPL_JOINT_COUNT, v], values: model.jointRegressor }],
    ['weights', { shape: [v, SMPL_JOINT_COUNT], values: model.skinWeights }],
    ['kintree_table', { shape: [2, SMPL_JOINT_COUNT], values: Int32Array.from([...model.parents, ...model.parents.map((_, j) => j)]) }],
    ['f', { shape: [model.faces.length / 3, 3], values: Int32Array.from(model.faces) }],
  ]);
  for (const [set, regressor] of model.keypointRegressors) {
    out.set(KEYPOINT_REGRESSOR_PREFIX + set, { shape: [regressor.count, v], values: regressor.weights });
  }
  return out;
}
