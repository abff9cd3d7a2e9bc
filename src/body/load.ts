/**
 * Reads and writes body model files: the official SMPL .pkl (read directly: chumpy arrays and the
 * sparse J_regressor are mapped to plain arrays, no Python), SMPL-layout .npz, and the same keys as
 * nested JSON arrays. All go through bodyModelFromRaw, so they are validated identically.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { BadInputFileError } from '../errors.js';
import { makeNpyArray, readNpz, writeNpz, type NpyArray } from '../util/npz.js';
import { isNpyArray, isPyDict, parsePickle, sparseToDense, type PyValue } from '../util/pickle.js';
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
  if (extension === '.pkl') return bodyModelFromPickle(parsePickle(readBytes(path), path), path, name);
  throw new BadInputFileError(path, `unknown body model file type '${extension}'; expected .pkl, .npz or .json`);
}

/** Keys of the official .pkl that hmmr reads; the rest (bs_style, bs_type, …) are ignored. */
const PICKLE_KEYS = ['v_template', 'shapedirs', 'posedirs', 'J_regressor', 'weights', 'kintree_table', 'f'];

/**
 * An SMPL .pkl as the authors ship it (basicModel_*, SMPL_NEUTRAL, HMR's neutral model with its
 * `cocoplus_regressor`: 25 rows → hmmr25, 19 → cocoplus19).
 */
export function bodyModelFromPickle(value: PyValue, path: string, name: string): BodyModelData {
  if (!isPyDict(value)) throw new BadInputFileError(path, 'not an SMPL model pickle (expected a dict at the top level)');
  const raw = new Map<string, RawArray>();
  const add = (key: string, as: string) => {
    const item = value.get(key);
    if (item === undefined) return;
    if (isNpyArray(item)) raw.set(as, { shape: item.shape, values: item.data });
    else if (typeof item === 'object' && item !== null && 'kind' in item && item.kind === 'sparse') raw.set(as, { shape: item.shape, values: sparseToDense(item) });
    else {
      const what = typeof item === 'object' && item !== null && 'kind' in item && item.kind === 'unknown-object' ? item.className : typeof item;
      throw new BadInputFileError(path, `key '${key}': expected an array, found ${what}`);
    }
  };
  for (const key of PICKLE_KEYS) add(key, key);
  const cocoplus = value.get('cocoplus_regressor');
  if (cocoplus !== undefined) {
    const rows = isNpyArray(cocoplus) ? cocoplus.shape[0] : typeof cocoplus === 'object' && cocoplus !== null && 'kind' in cocoplus && cocoplus.kind === 'sparse' ? cocoplus.shape[0] : undefined;
    add('cocoplus_regressor', rows === 25 ? `${KEYPOINT_REGRESSOR_PREFIX}hmmr25` : `${KEYPOINT_REGRESSOR_PREFIX}cocoplus19`);
  }
  return bodyModelFromRaw(raw, path, name);
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new BadInputFileError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
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
  return readBytes(path).toString('utf8');
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
