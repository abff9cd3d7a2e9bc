/**
 * A minimal MATLAB Level 5 MAT-file writer for test fixtures, written from MathWorks' "MAT-File
 * Format" document (not from hmmr's reader): 128-byte header, then one miMATRIX element per
 * variable (array flags, dimensions, name, real part), optionally wrapped in miCOMPRESSED (zlib),
 * as `save -v7` writes. Doubles and char arrays only — what Penn Action's label files hold.
 */
import { deflateSync } from 'node:zlib';

export type MatVariable = { kind: 'double'; dims: number[]; columnMajor: number[] } | { kind: 'char'; text: string };

const miINT8 = 1;
const miUINT16 = 4;
const miINT32 = 5;
const miUINT32 = 6;
const miDOUBLE = 9;
const miMATRIX = 14;
const miCOMPRESSED = 15;
const mxCHAR_CLASS = 4;
const mxDOUBLE_CLASS = 6;

/** One tagged data element, padded to 8 bytes; `small` uses the 4-byte small element format when it fits. */
function element(type: number, data: Buffer, small = true): Buffer {
  if (small && data.length <= 4 && data.length > 0) {
    const out = Buffer.alloc(8);
    out.writeUInt16LE(type, 0);
    out.writeUInt16LE(data.length, 2);
    data.copy(out, 4);
    return out;
  }
  const padded = Buffer.alloc(8 + Math.ceil(data.length / 8) * 8);
  padded.writeUInt32LE(type, 0);
  padded.writeUInt32LE(data.length, 4);
  data.copy(padded, 8);
  return padded;
}

function matrix(name: string, variable: MatVariable): Buffer {
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(variable.kind === 'char' ? mxCHAR_CLASS : mxDOUBLE_CLASS, 0);
  const dims = variable.kind === 'char' ? [1, variable.text.length] : variable.dims;
  const dimBytes = Buffer.alloc(dims.length * 4);
  dims.forEach((d, i) => dimBytes.writeInt32LE(d, i * 4));
  let real: Buffer;
  if (variable.kind === 'char') {
    real = Buffer.alloc(variable.text.length * 2);
    [...variable.text].forEach((c, i) => real.writeUInt16LE(c.charCodeAt(0), i * 2));
    real = element(miUINT16, real);
  } else {
    const values = Buffer.alloc(variable.columnMajor.length * 8);
    variable.columnMajor.forEach((v, i) => values.writeDoubleLE(v, i * 8));
    real = element(miDOUBLE, values);
  }
  const body = Buffer.concat([element(miUINT32, flags, false), element(miINT32, dimBytes, false), element(miINT8, Buffer.from(name, 'ascii')), real]);
  return element(miMATRIX, body, false);
}

/** A whole .mat file; `compress` wraps each variable in miCOMPRESSED. */
export function writeMat5(variables: Record<string, MatVariable>, compress: boolean): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2015 (hmmr fixture)', 0, 'ascii');
  header.fill(0, 116, 124); // subsystem data offset: none
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'ascii');
  const parts = Object.entries(variables).map(([name, variable]) => {
    const plain = matrix(name, variable);
    if (!compress) return plain;
    const zipped = deflateSync(plain);
    const out = Buffer.alloc(8 + zipped.length);
    out.writeUInt32LE(miCOMPRESSED, 0);
    out.writeUInt32LE(zipped.length, 4);
    zipped.copy(out, 8);
    return out;
  });
  return Buffer.concat([header, ...parts]);
}

/** Row-major rows × cols values → the column-major order MAT files store. */
export function columnMajor(rows: number, cols: number, at: (r: number, c: number) => number): number[] {
  const out: number[] = [];
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out.push(at(r, c));
  return out;
}
