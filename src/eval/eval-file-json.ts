import { BadInputFileError } from '../errors.js';
import { EVAL_JOINT_COUNT, SUPPORTED_EVAL_JOINT_SETS, type EvalJointSet, type EvalSequence, type EvalSet } from './eval-set.js';

/**
 * The JSON eval file (docs/eval-format.md):
 * {"fps":25,"joints":"lsp14","sequences":[{"name","joints3d":[[[x,y,z]×J]×T],"joints2d"?,"visible"?}]}
 * Parsing checks every level and names the first bad element, e.g.
 * `sequences[2].joints3d[17]: expected 14 joints, got 13`.
 */
export function parseEvalJson(text: string, source: string): EvalSet {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new BadInputFileError(source, `not valid JSON: ${(error as Error).message}`);
  }
  const fail = (where: string, problem: string): never => {
    throw new BadInputFileError(source, `${where}: ${problem}`);
  };
  if (!isRecord(root)) return fail('top level', 'expected an object with "joints" and "sequences"');

  let fps: number | undefined;
  if (root.fps !== undefined) {
    if (typeof root.fps !== 'number' || !(root.fps > 0) || !Number.isFinite(root.fps)) fail('fps', 'expected a positive number');
    fps = root.fps as number;
  }
  const jointSet = parseJointSet(root.joints, fail);
  const jointCount = EVAL_JOINT_COUNT[jointSet];
  if (!Array.isArray(root.sequences) || root.sequences.length === 0) return fail('sequences', 'expected a non-empty array');

  const seen = new Set<string>();
  const sequences = root.sequences.map((raw: unknown, s: number): EvalSequence => {
    const at = `sequences[${s}]`;
    if (!isRecord(raw)) return fail(at, 'expected an object');
    if (typeof raw.name !== 'string' || raw.name.length === 0) return fail(`${at}.name`, 'expected a non-empty string');
    if (seen.has(raw.name)) fail(`${at}.name`, `duplicate sequence name '${raw.name}'`);
    seen.add(raw.name);
    const joints3d = parsePointFrames(raw.joints3d, `${at}.joints3d`, jointCount, 3, undefined, fail);
    const frameCount = joints3d.length / (jointCount * 3);
    const sequence: EvalSequence = { name: raw.name, frameCount, joints3d };
    if (raw.joints2d !== undefined) sequence.joints2d = parsePointFrames(raw.joints2d, `${at}.joints2d`, jointCount, 2, frameCount, fail);
    if (raw.visible !== undefined) sequence.visible = parseVisibility(raw.visible, `${at}.visible`, jointCount, frameCount, fail);
    return sequence;
  });
  return fps === undefined ? { jointSet, sequences } : { fps, jointSet, sequences };
}

/** The eval file as JSON text, one frame per line; numbers rounded (1 µm, 0.001 px) to keep files small. */
export function serializeEvalJson(set: EvalSet): string {
  const jointCount = EVAL_JOINT_COUNT[set.jointSet];
  const head: Record<string, unknown> = set.fps === undefined ? {} : { fps: set.fps };
  head.joints = set.jointSet;
  const sequences = set.sequences.map((sequence) => {
    const fields = [`"name":${JSON.stringify(sequence.name)}`];
    fields.push(`"joints3d":${framesToJson(sequence.joints3d, sequence.frameCount, jointCount, 3, 1e6)}`);
    if (sequence.joints2d) fields.push(`"joints2d":${framesToJson(sequence.joints2d, sequence.frameCount, jointCount, 2, 1e3)}`);
    if (sequence.visible) fields.push(`"visible":${framesToJson(sequence.visible, sequence.frameCount, jointCount, 1, 1)}`);
    return `{${fields.join(',')}}`;
  });
  return `${JSON.stringify(head).slice(0, -1)},"sequences":[\n${sequences.join(',\n')}\n]}\n`;
}

type Fail = (where: string, problem: string) => never;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJointSet(value: unknown, fail: Fail): EvalJointSet {
  if (typeof value !== 'string') return fail('joints', `expected a joint set name (${SUPPORTED_EVAL_JOINT_SETS.join(', ')})`);
  if (!(SUPPORTED_EVAL_JOINT_SETS as readonly string[]).includes(value)) {
    return fail('joints', `joint set '${value}' is not supported; use ${SUPPORTED_EVAL_JOINT_SETS.join(', ')}`);
  }
  return value as EvalJointSet;
}

function parsePointFrames(
  value: unknown,
  at: string,
  jointCount: number,
  dims: number,
  expectedFrames: number | undefined,
  fail: Fail,
): Float64Array {
  if (!Array.isArray(value) || value.length === 0) return fail(at, 'expected a non-empty array of frames');
  if (expectedFrames !== undefined && value.length !== expectedFrames) {
    fail(at, `has ${value.length} frames but joints3d has ${expectedFrames}`);
  }
  const out = new Float64Array(value.length * jointCount * dims);
  const shape = dims === 3 ? '[x, y, z]' : '[x, y]';
  value.forEach((frame: unknown, f: number) => {
    if (!Array.isArray(frame) || frame.length !== jointCount) {
      fail(`${at}[${f}]`, `expected ${jointCount} joints, got ${Array.isArray(frame) ? frame.length : typeof frame}`);
    }
    (frame as unknown[]).forEach((point, j) => {
      if (!Array.isArray(point) || point.length !== dims || !point.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        fail(`${at}[${f}][${j}]`, `expected ${shape} of finite numbers`);
      }
      for (let d = 0; d < dims; d++) out[(f * jointCount + j) * dims + d] = (point as number[])[d]!;
    });
  });
  return out;
}

function parseVisibility(value: unknown, at: string, jointCount: number, expectedFrames: number, fail: Fail): Uint8Array {
  if (!Array.isArray(value) || value.length !== expectedFrames) {
    return fail(at, `expected ${expectedFrames} frames (as joints3d), got ${Array.isArray(value) ? value.length : typeof value}`);
  }
  const out = new Uint8Array(expectedFrames * jointCount);
  value.forEach((frame: unknown, f: number) => {
    if (!Array.isArray(frame) || frame.length !== jointCount) fail(`${at}[${f}]`, `expected ${jointCount} flags`);
    (frame as unknown[]).forEach((flag, j) => {
      if (flag !== 0 && flag !== 1 && flag !== true && flag !== false) fail(`${at}[${f}][${j}]`, 'expected 0 or 1');
      out[f * jointCount + j] = flag === 1 || flag === true ? 1 : 0;
    });
  });
  return out;
}

function framesToJson(values: ArrayLike<number>, frameCount: number, jointCount: number, dims: number, precision: number): string {
  const frames: string[] = [];
  for (let f = 0; f < frameCount; f++) {
    const joints: string[] = [];
    for (let j = 0; j < jointCount; j++) {
      const base = (f * jointCount + j) * dims;
      const coords: number[] = [];
      // Adding 0 turns -0 into 0 so equal inputs give byte-identical files.
      for (let d = 0; d < dims; d++) coords.push(Math.round(values[base + d]! * precision) / precision + 0);
      joints.push(dims === 1 ? String(coords[0]) : `[${coords.join(',')}]`);
    }
    frames.push(`[${joints.join(',')}]`);
  }
  return `[\n${frames.join(',\n')}]`;
}
