import { BadInputFileError } from '../errors.js';
import { makeNpyArray, type NpyArray } from '../util/npz.js';
import { EVAL_JOINT_COUNT, evalJointSetOfCount, type EvalSequence, type EvalSet } from './eval-set.js';

/**
 * The .npz form of an eval file (docs/eval-format.md): one array per sequence and field, keyed
 * `<name>/joints3d` [T, 14, 3], `<name>/joints2d` [T, 14, 2], `<name>/visible` [T, 14], plus an
 * optional scalar `fps`. npy has no convenient string type, so the joint set is implied by the
 * joint axis: 14 = lsp14, 17 = h36m17 (Human3.6M). Sequences keep the archive's order.
 */
const FIELDS = ['joints3d', 'joints2d', 'visible'] as const;
type Field = (typeof FIELDS)[number];

export function parseEvalNpz(arrays: ReadonlyMap<string, NpyArray>, source: string): EvalSet {
  const fail = (where: string, problem: string): never => {
    throw new BadInputFileError(source, `${where}: ${problem}`);
  };
  let fps: number | undefined;
  const bySequence = new Map<string, Partial<Record<Field, NpyArray>>>();
  for (const [key, array] of arrays) {
    if (key === 'fps') {
      if (array.data.length !== 1 || typeof array.data[0] !== 'number' || !(array.data[0] > 0)) fail('fps', 'expected one positive number');
      fps = array.data[0] as number;
      continue;
    }
    const slash = key.lastIndexOf('/');
    const field = key.slice(slash + 1) as Field;
    if (slash <= 0 || !FIELDS.includes(field)) fail(key, `unexpected array; expected fps or <name>/${FIELDS.join('|')}`);
    const name = key.slice(0, slash);
    bySequence.set(name, { ...bySequence.get(name), [field]: array });
  }
  if (bySequence.size === 0) fail('sequences', 'no <name>/joints3d arrays');
  // The joint set is the joint count of the first joints3d array (17: h36m17, else lsp14, whose shape check names any other count).
  const first = [...bySequence.values()].find((fields) => fields.joints3d)?.joints3d;
  const jointSet = evalJointSetOfCount(first?.shape[1] ?? 0) ?? 'lsp14';
  const jointCount = EVAL_JOINT_COUNT[jointSet];

  const sequences = [...bySequence].map(([name, fields]): EvalSequence => {
    if (!fields.joints3d) return fail(name, 'has no joints3d array');
    const joints3d = floatValues(fields.joints3d, `${name}/joints3d`, [jointCount, 3], undefined, fail);
    const frameCount = fields.joints3d.shape[0]!;
    const sequence: EvalSequence = { name, frameCount, joints3d };
    if (fields.joints2d) sequence.joints2d = floatValues(fields.joints2d, `${name}/joints2d`, [jointCount, 2], frameCount, fail);
    if (fields.visible) {
      const flags = floatValues(fields.visible, `${name}/visible`, [jointCount], frameCount, fail);
      sequence.visible = Uint8Array.from(flags, (flag) => (flag > 0 ? 1 : 0));
    }
    return sequence;
  });
  return fps === undefined ? { jointSet, sequences } : { fps, jointSet, sequences };
}

/** The arrays to write for an eval set (float32 coordinates, uint8 visibility). */
export function evalSetToNpz(set: EvalSet): Map<string, NpyArray> {
  const jointCount = EVAL_JOINT_COUNT[set.jointSet];
  const arrays = new Map<string, NpyArray>();
  if (set.fps !== undefined) arrays.set('fps', makeNpyArray('float64', [], Float64Array.of(set.fps)));
  for (const sequence of set.sequences) {
    const frames = sequence.frameCount;
    arrays.set(`${sequence.name}/joints3d`, makeNpyArray('float32', [frames, jointCount, 3], Float32Array.from(sequence.joints3d)));
    if (sequence.joints2d) arrays.set(`${sequence.name}/joints2d`, makeNpyArray('float32', [frames, jointCount, 2], Float32Array.from(sequence.joints2d)));
    if (sequence.visible) arrays.set(`${sequence.name}/visible`, makeNpyArray('uint8', [frames, jointCount], Uint8Array.from(sequence.visible)));
  }
  return arrays;
}

function floatValues(
  array: NpyArray,
  where: string,
  innerShape: readonly number[],
  expectedFrames: number | undefined,
  fail: (where: string, problem: string) => never,
): Float64Array {
  const shape = array.shape;
  const expected = `[${expectedFrames ?? 'T'}, ${innerShape.join(', ')}]`;
  const inner = shape.slice(1);
  if (shape.length !== innerShape.length + 1 || inner.some((size, i) => size !== innerShape[i]) || shape[0] === 0) {
    fail(where, `shape [${shape.join(', ')}], expected ${expected}`);
  }
  if (expectedFrames !== undefined && shape[0] !== expectedFrames) fail(where, `has ${shape[0]} frames but joints3d has ${expectedFrames}`);
  if (array.data instanceof BigInt64Array || array.data instanceof BigUint64Array) return fail(where, `dtype ${array.dtype} is not supported; use float32/float64`);
  const values = Float64Array.from(array.data);
  if (!values.every(Number.isFinite)) fail(where, 'contains NaN or infinite values');
  return values;
}
