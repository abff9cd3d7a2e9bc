/**
 * Reads and writes body model files: SMPL-layout .npz (what the 10-line converter in
 * docs/body-model.md produces from the official .pkl) and the same keys as nested JSON arrays.
 * Both go through bodyModelFromRaw, so they are validated identically.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { BadInputFileError } from '../errors.js';
import { makeNpyArray, readNpz, writeNpz, type NpyArray } from '../util/npz.js';
import { projectPath } from '../util/project-root.js';
import { KEYPOINT_REGRESSOR_PREFIX, bodyModelFromRaw, bodyModelToRaw, type BodyModelData, type RawArray } from './model-data.js';

/** hmmr's own procedurally generated stand-in (scripts/generate-body-model.ts). */
export const STANDIN_BODY_MODEL_PATH = projectPath('models', 'body', 'hmmr-standin.npz');

/** A body model spec as configs and commands take it: 'standin' (the shipped model) or a file path. */
export function bodyModelPath(spec: string): string {
  return spec === 'standin' ? STANDIN_BODY_MODEL_PATH : spec;
}

/** Loads a .npz or .json body model; the model's name is the file name without extension. */
export function loadBodyModelFile(path: string = STANDIN_BODY_MODEL_PATH): BodyModelData {
  const extension = extname(path).toLowerCase();
  const name = basename(path, extname(path));
  if (extension === '.npz') return bodyModelFromNpz(readNpz(path), path, name);
  if (extension === '.json') return parseBodyModelJson(readText(path), path, name);
  if (extension === '.pkl') {
    throw new BadInputFileError(path, 'SMPL .pkl files must be converted to .npz first (see docs/body-model.md)');
  }
  throw new BadInputFileError(path, `unknown body model file type '${extension}'; expected .npz or .json`);
}

export function bodyModelFromNpz(arrays: ReadonlyMap<string, NpyArray>, path: string, name: string): BodyModelData {
  const raw = new Map<string, RawArray>();
  for (const [key, array] of arrays) {
    if (array.dtype === 'bool') throw new BadInputFileError(path, `${key} is boolean; numeric arrays expected`);
    raw.set(key, { shape: array.shape, values: array.data });
  }
  return bodyModelFromRaw(raw, path, name);
}

/**
 * JSON layout: the same keys as the .npz, each a nested array ([V][3] for v_template, ...).
 * Keypoint regressors may also sit under "keypoint_regressors": { "<set>": [K][V] }.
 */
export function parseBodyModelJson(text: string, path: string, name: string): BodyModelData {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new BadInputFileError(path, `invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new BadInputFileError(path, 'a body model JSON file must be an object of named arrays');
  }
  const raw = new Map<string, RawArray>();
  for (const [key, value] of Object.entries(document)) {
    if (key === 'keypoint_regressors') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new BadInputFileError(path, 'keypoint_regressors must be an object { "<set>": [K][V] }');
      }
      for (const [set, regressor] of Object.entries(value)) raw.set(KEYPOINT_REGRESSOR_PREFIX + set, nestedArray(regressor, `keypoint_regressors.${set}`, path));
    } else if (Array.isArray(value)) {
      raw.set(key, nestedArray(value, key, path));
    }
  }
  return bodyModelFromRaw(raw, path, name);
}

/** A rectangular nested array of numbers → shape + flat values. */
function nestedArray(value: unknown, key: string, path: string): RawArray {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values: number[] = [];
  const walk = (node: unknown, depth: number, where: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number' || !Number.isFinite(node)) throw new BadInputFileError(path, `${key}${where} is not a finite number`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new BadInputFileError(path, `${key}${where} is ragged: expected ${shape[depth]} entries at depth ${depth}`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${where}[${i}]`));
  };
  walk(value, 0, '');
  return { shape, values };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new BadInputFileError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Writes a model as .npz (compressed), the format hmmr ships. */
export function writeBodyModelNpz(path: string, model: BodyModelData): void {
  const arrays = new Map<string, NpyArray>();
  for (const [key, { shape, values }] of bodyModelToRaw(model)) {
    arrays.set(key, values instanceof Float32Array ? makeNpyArray('float32', shape, values) : makeNpyArray('int32', shape, values));
  }
  writeNpz(path, arrays);
}

/** Writes a model as nested-array JSON (large; meant for small models and interchange). */
export function writeBodyModelJson(path: string, model: BodyModelData): void {
  const document: Record<string, unknown> = {};
  for (const [key, { shape, values }] of bodyModelToRaw(model)) document[key] = nest(Array.from(values), shape);
  writeFileSync(path, JSON.stringify(document));
}

function nest(flat: number[], shape: readonly number[]): unknown {
  if (shape.length <= 1) return flat;
  const [first, ...rest] = shape;
  const size = flat.length / first!;
  return Array.from({ length: first! }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), rest));
}
