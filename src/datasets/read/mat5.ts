/**
 * MATLAB Level 5 MAT-files (what `save` writes up to -v7, including -v7's zlib-compressed
 * elements), for Penn Action's label files. Hand-written because the one npm parser for the format
 * (mat-for-js) is GPL-3.0; this reads only numeric and char arrays (cells, structs, sparse and
 * complex arrays are reported by name if a caller asks for them). Layout from MathWorks' "MAT-File
 * Format" document: 128-byte header, then tagged data elements, 8-byte aligned.
 */
import { inflateSync } from 'node:zlib';
import { BadInputFileError } from '../../errors.js';
import type { PyValue } from '../../util/pickle.js';
import { FieldReader, readInputBytes } from './fields.js';

const miMATRIX = 14;
const miCOMPRESSED = 15;
const mxCHAR_CLASS = 4;
/** Numeric element types → bytes per value and reader. */
const NUMERIC: Record<number, [number, (view: DataView, at: number) => number]> = {
  1: [1, (v, at) => v.getInt8(at)],
  2: [1, (v, at) => v.getUint8(at)],
  3: [2, (v, at) => v.getInt16(at, true)],
  4: [2, (v, at) => v.getUint16(at, true)],
  5: [4, (v, at) => v.getInt32(at, true)],
  6: [4, (v, at) => v.getUint32(at, true)],
  7: [4, (v, at) => v.getFloat32(at, true)],
  9: [8, (v, at) => v.getFloat64(at, true)],
  12: [8, (v, at) => Number(v.getBigInt64(at, true))],
  13: [8, (v, at) => Number(v.getBigUint64(at, true))],
  16: [1, (v, at) => v.getUint8(at)], // miUTF8 (char data)
};
/** mxCLASS ids of numeric arrays (double, single, int8 … uint64). */
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

interface Element {
  type: number;
  data: Uint8Array;
  /** Offset of the next element. */
  next: number;
}

/** Reads a MAT v5 file into a FieldReader: numeric arrays as row-major float64, char arrays as strings. */
export function readMat5(path: string): FieldReader {
  const bytes = readInputBytes(path);
  const fail = (problem: string): never => {
    throw new BadInputFileError(path, problem);
  };
  if (bytes.length < 128) fail('not a MATLAB v5 .mat file (shorter than its 128-byte header)');
  const header = bytes.subarray(0, 116).toString('latin1');
  if (header.startsWith('MATLAB 7.3')) fail('MATLAB v7.3 (HDF5) .mat files are not supported; re-save with -v7');
  if (bytes.readUInt16LE(124) !== 0x0100 || bytes.subarray(126, 128).toString('latin1') !== 'IM') {
    fail('not a little-endian MATLAB v5 .mat file (bad version or endian marker)');
  }
  const variables = new Map<string, PyValue>();
  for (let at = 128; at < bytes.length; ) {
    let element = readElement(bytes, at, fail);
    at = element.next;
    if (element.type === miCOMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = inflateSync(element.data);
      } catch (error) {
        return fail(`compressed element at byte ${at}: cannot inflate (${(error as Error).message})`);
      }
      element = readElement(inflated, 0, fail);
    }
    if (element.type !== miMATRIX) continue;
    const [name, value] = readMatrix(element.data, fail);
    variables.set(name, value);
  }
  return new FieldReader(path, (key) => variables.get(key));
}

function readElement(bytes: Uint8Array, at: number, fail: (problem: string) => never): Element {
  if (at + 8 > bytes.length) fail(`truncated data element at byte ${at}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(at, true);
  // Small data element format: type and size share the first 4 bytes, data in the next 4.
  if (first >>> 16 !== 0) {
    const size = first >>> 16;
    if (size > 4) fail(`bad small data element at byte ${at}`);
    return { type: first & 0xffff, data: bytes.subarray(at + 4, at + 4 + size), next: at + 8 };
  }
  const size = view.getUint32(at + 4, true);
  if (at + 8 + size > bytes.length) fail(`truncated data element at byte ${at} (needs ${size} bytes)`);
  // Compressed elements are not padded; every other element is padded to 8 bytes.
  const next = first === miCOMPRESSED ? at + 8 + size : at + 8 + Math.ceil(size / 8) * 8;
  return { type: first, data: bytes.subarray(at + 8, at + 8 + size), next };
}

function readMatrix(body: Uint8Array, fail: (problem: string) => never): [string, PyValue] {
  const flags = readElement(body, 0, fail);
  const dims = readElement(body, flags.next, fail);
  const nameElement = readElement(body, dims.next, fail);
  const name = Buffer.from(nameElement.data).toString('latin1');
  const flagsView = new DataView(flags.data.buffer, flags.data.byteOffset, flags.data.byteLength);
  const mxClass = flagsView.getUint32(0, true) & 0xff;
  const complex = (flagsView.getUint32(0, true) & 0x800) !== 0;
  const shape = numbers(dims, `${name}: dimensions`, fail);
  if (mxClass !== mxCHAR_CLASS && !NUMERIC_CLASSES.has(mxClass)) return [name, { kind: 'unknown-object', className: `MATLAB class ${mxClass} (cell, struct or sparse)` }];
  if (complex) return [name, { kind: 'unknown-object', className: 'MATLAB complex array' }];
  const real = readElement(body, nameElement.next, fail);
  const columnMajor = numbers(real, name, fail);
  const count = shape.reduce((product, size) => product * size, 1);
  if (columnMajor.length !== count) fail(`${name}: ${columnMajor.length} values for dimensions ${shape.join('×')}`);
  if (mxClass === mxCHAR_CLASS) return [name, columnMajorText(columnMajor, shape)];
  return [name, { dtype: 'float64', shape, data: toRowMajor(columnMajor, shape) }];
}

function numbers(element: Element, what: string, fail: (problem: string) => never): number[] {
  const reader = NUMERIC[element.type];
  if (!reader) return fail(`${what}: unsupported data type ${element.type}`);
  const [size, read] = reader;
  const view = new DataView(element.data.buffer, element.data.byteOffset, element.data.byteLength);
  return Array.from({ length: Math.floor(element.data.length / size) }, (_, i) => read(view, i * size));
}

/** A 1×N (or N×1) char array as a string; a multi-row one as its rows joined by newlines. */
function columnMajorText(codes: number[], shape: number[]): string {
  const [rows = 1, cols = codes.length] = shape;
  const lines = Array.from({ length: rows }, (_, r) => String.fromCharCode(...Array.from({ length: cols }, (_, c) => codes[c * rows + r]!)));
  return lines.join('\n');
}

function toRowMajor(columnMajor: number[], shape: number[]): Float64Array {
  const out = new Float64Array(columnMajor.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let from = 0; from < columnMajor.length; from++) {
    let to = 0;
    for (let axis = 0; axis < rank; axis++) to = to * shape[axis]! + index[axis]!;
    out[to] = columnMajor[from]!;
    // Advance the column-major index: first axis fastest.
    for (let axis = 0; axis < rank; axis++) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}
