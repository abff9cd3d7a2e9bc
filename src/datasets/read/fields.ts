/**
 * Typed access to the keys of a parsed dataset file (a pickled dict, an npz, a MAT file), so every
 * importer checks shapes the same way and every failure names the file and the key.
 */
import { readFileSync } from 'node:fs';
import { BadInputFileError } from '../../errors.js';
import type { NpyArray } from '../../util/npz.js';
import { isNpyArray, isPyDict, type PyValue } from '../../util/pickle.js';

/** A numeric array as float64, C order. */
export interface Floats {
  shape: number[];
  values: Float64Array;
}

export function readInputBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new BadInputFileError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export function toFloats(array: NpyArray): Floats {
  return { shape: [...array.shape], values: Float64Array.from(array.data as ArrayLike<number>, Number) };
}

/** Looks keys up in one file and fails with `<file>: key '<key>': <problem>`. */
export class FieldReader {
  constructor(
    readonly path: string,
    private readonly lookup: (key: string) => PyValue,
  ) {}

  static ofDict(path: string, value: PyValue, what = 'a dict'): FieldReader {
    if (!isPyDict(value)) throw new BadInputFileError(path, `expected ${what} at the top level`);
    return new FieldReader(path, (key) => value.get(key));
  }

  fail(key: string, problem: string): never {
    throw new BadInputFileError(this.path, `key '${key}': ${problem}`);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  value(key: string): PyValue {
    const value = this.lookup(key);
    if (value === undefined) this.fail(key, 'missing');
    return value;
  }

  string(key: string): string {
    const value = this.value(key);
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'string-array' && value.items.length === 1) return value.items[0]!;
    return this.fail(key, 'expected a string');
  }

  list(key: string): PyValue[] {
    const value = this.value(key);
    if (!Array.isArray(value)) this.fail(key, 'expected a list');
    return value as PyValue[];
  }

  /** A numeric array whose shape matches `expected` (undefined = any size on that axis). */
  floats(key: string, expected: readonly (number | undefined)[], value: PyValue = this.value(key)): Floats {
    return checkedFloats(value, expected, (problem) => this.fail(key, problem));
  }

  /** A numeric scalar (a number, or an array with one element). */
  number(key: string): number {
    const value = this.value(key);
    if (typeof value === 'number') return value;
    if (isNpyArray(value) && value.data.length === 1) return Number(value.data[0]);
    return this.fail(key, 'expected a number');
  }
}

export function checkedFloats(value: PyValue, expected: readonly (number | undefined)[], fail: (problem: string) => never): Floats {
  if (!isNpyArray(value)) return fail(`expected a numeric array of shape ${describeShape(expected)}`);
  const ok = value.shape.length === expected.length && expected.every((size, i) => size === undefined || size === value.shape[i]);
  if (!ok) fail(`shape (${value.shape.join(', ')}), expected ${describeShape(expected)}`);
  const floats = toFloats(value);
  const bad = floats.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`non-finite value at flat index ${bad}`);
  return floats;
}

function describeShape(shape: readonly (number | undefined)[]): string {
  return `(${shape.map((size) => size ?? 'N').join(', ')})`;
}
