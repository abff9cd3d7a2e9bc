/**
 * NumPy .npy arrays and .npz archives (a zip of .npy files, as np.savez / np.savez_compressed
 * write them), read and written without a zip dependency: stored and deflated entries (node:zlib),
 * zip64 sizes on read (numpy writes entries with force_zip64), little-endian numeric dtypes; C order
 * (Fortran-order arrays are reordered on read).
 * Writing is deterministic (fixed timestamps, entries in the order given), so a generated asset
 * stays byte-identical when regenerated on the same Node version.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { BadInputFileError } from '../errors.js';

export type NpyDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint32' | 'uint8' | 'uint64' | 'bool';

export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint32Array | Uint8Array | BigUint64Array;

export interface NpyArray {
  dtype: NpyDtype;
  /** [] for a scalar. */
  shape: readonly number[];
  /** C order; bool is stored as 0/1 bytes. */
  data: NpyData;
}

interface DtypeInfo {
  descr: string;
  bytes: number;
  make(buffer: ArrayBuffer, length: number): NpyData;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  float32: { descr: '<f4', bytes: 4, make: (b, n) => new Float32Array(b, 0, n) },
  float64: { descr: '<f8', bytes: 8, make: (b, n) => new Float64Array(b, 0, n) },
  int32: { descr: '<i4', bytes: 4, make: (b, n) => new Int32Array(b, 0, n) },
  int64: { descr: '<i8', bytes: 8, make: (b, n) => new BigInt64Array(b, 0, n) },
  uint32: { descr: '<u4', bytes: 4, make: (b, n) => new Uint32Array(b, 0, n) },
  uint8: { descr: '|u1', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  uint64: { descr: '<u8', bytes: 8, make: (b, n) => new BigUint64Array(b, 0, n) },
  bool: { descr: '|b1', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
};

/** Descriptors numpy may write for the same 1-byte types. */
const DESCR_ALIASES: Record<string, NpyDtype> = { '<u1': 'uint8', '=u1': 'uint8', '<b1': 'bool', '=b1': 'bool' };

function dtypeOfDescr(descr: string): NpyDtype | undefined {
  const found = (Object.keys(DTYPES) as NpyDtype[]).find((dtype) => DTYPES[dtype].descr === descr);
  return found ?? DESCR_ALIASES[descr];
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** An NpyArray whose data type and length are checked against dtype and shape. */
export function makeNpyArray(dtype: NpyDtype, shape: readonly number[], data: NpyData): NpyArray {
  const expected = DTYPES[dtype].make(new ArrayBuffer(0), 0).constructor;
  if (data.constructor !== expected) throw new TypeError(`npy ${dtype} needs a ${expected.name}, got ${data.constructor.name}`);
  if (data.length !== elementCount(shape)) {
    throw new TypeError(`npy shape [${shape.join(', ')}] needs ${elementCount(shape)} values, got ${data.length}`);
  }
  return { dtype, shape: [...shape], data };
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The fields of a .npy header, and where the data starts. */
export interface NpyHeader {
  /** numpy's dtype string, e.g. '<f8', '|O', '<U6'. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataStart: number;
}

/** Parses a .npy header without interpreting the dtype (object and string arrays need other readers). */
export function parseNpyHeader(bytes: Uint8Array, where: string): NpyHeader {
  const fail = (reason: string): never => {
    throw new BadInputFileError(where, reason);
  };
  if (bytes.length < 10 || NPY_MAGIC.some((byte, i) => bytes[i] !== byte)) fail('not a .npy array (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`unreadable .npy header ${header.trim()}`);
  const shape = shapeText!
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => Number(part.replace(/L$/, '')));
  if (shape.some((size) => !Number.isInteger(size) || size < 0)) fail(`bad shape (${shapeText})`);
  return { descr: descr!, fortranOrder: fortran === 'True', shape, dataStart };
}

/** Parses one .npy file. `where` names it in errors (file path, or path + entry). */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  const header = parseNpyHeader(bytes, where);
  return decodeNpyData(header.descr, header.shape, header.fortranOrder, bytes.subarray(header.dataStart), where);
}

/**
 * Raw little-endian array bytes (as .npy files and pickled numpy arrays hold them) → a C-order
 * NpyArray. Extra bytes after the data are ignored.
 */
export function decodeNpyData(descr: string, shape: readonly number[], fortranOrder: boolean, bytes: Uint8Array, where: string): NpyArray {
  const dtype = dtypeOfDescr(descr);
  if (!dtype) throw new BadInputFileError(where, `unsupported dtype '${descr}' (supported: <f4 <f8 <i4 <i8 <u4 |u1 <u8 |b1, little-endian)`);
  const info = DTYPES[dtype];
  const count = elementCount(shape);
  const byteLength = count * info.bytes;
  if (byteLength > bytes.length) throw new BadInputFileError(where, `truncated data: shape (${shape.join(', ')}) needs ${byteLength} bytes, has ${bytes.length}`);
  // Copy into a fresh buffer: the data inside a zip entry is rarely aligned for a typed array view.
  const copy = new ArrayBuffer(byteLength);
  new Uint8Array(copy).set(bytes.subarray(0, byteLength));
  const data = info.make(copy, count);
  // Fortran order is common in practice: scipy's sparse .toarray() returns it and np.save keeps it.
  return { dtype, shape: [...shape], data: fortranOrder ? fortranToC(data, shape) : data };
}

/** Reorders column-major (first index fastest) data into row-major. */
function fortranToC<T extends NpyData>(data: T, shape: readonly number[]): T {
  const out = data.slice() as T;
  const rank = shape.length;
  const fortranStrides = shape.map((_, axis) => shape.slice(0, axis).reduce((product, size) => product * size, 1));
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let to = 0; to < data.length; to++) {
    out[to] = data[from]!;
    // Advance the C-order multi-index (last axis fastest) and its Fortran offset together.
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]!++;
      from += fortranStrides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      from -= index[axis]! * fortranStrides[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/** Encodes one array as .npy version 1.0 (header padded to 64 bytes, as numpy does). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const info = DTYPES[array.dtype];
  const shapeText = array.shape.length === 1 ? `${array.shape[0]},` : array.shape.join(', ');
  let header = `{'descr': '${info.descr}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const dataBytes = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.length * info.bytes);
  const out = new Uint8Array(10 + header.length + dataBytes.length);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(dataBytes, 10 + header.length);
  return out;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/** 1980-01-01 00:00, the earliest DOS date: fixed so output is reproducible. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Parses an .npz archive into arrays keyed by entry name without '.npy'. */
export function parseNpz(bytes: Uint8Array, path: string): Map<string, NpyArray> {
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of readZipEntries(bytes, path)) {
    if (!name.endsWith('.npy')) continue;
    arrays.set(name.slice(0, -'.npy'.length), parseNpy(data, `${path} (${name})`));
  }
  return arrays;
}

/** Every entry of a zip archive, uncompressed and CRC-checked, by name in directory order. */
export function readZipEntries(bytes: Uint8Array, path: string): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  for (const entry of readCentralDirectory(bytes, path)) entries.set(entry.name, entryData(bytes, entry, path));
  return entries;
}

function readCentralDirectory(bytes: Uint8Array, path: string): ZipEntry[] {
  const fail = (reason: string): never => {
    throw new BadInputFileError(path, reason);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === SIG_END) {
      end = i;
      break;
    }
  }
  if (end < 0) fail('not a zip/.npz file (no end-of-central-directory record)');
  let count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== SIG_END64_LOCATOR) fail('zip64 archive without a zip64 locator');
    const end64 = Number(view.getBigUint64(locator + 8, true));
    if (end64 + 56 > bytes.length || view.getUint32(end64, true) !== SIG_END64) fail('bad zip64 end record');
    count = Number(view.getBigUint64(end64 + 32, true));
    offset = Number(view.getBigUint64(end64 + 48, true));
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== SIG_CENTRAL) fail(`corrupt central directory at entry ${i}`);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      flags: view.getUint16(offset + 8, true),
      method: view.getUint16(offset + 10, true),
      crc: view.getUint32(offset + 16, true),
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      localOffset: view.getUint32(offset + 42, true),
    };
    applyZip64Extra(entry, view, offset + 46 + nameLength, extraLength);
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Fields stored as 0xFFFFFFFF live in the zip64 extra block (id 1), in this fixed order. */
function applyZip64Extra(entry: ZipEntry, view: DataView, start: number, length: number): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        const value = Number(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localOffset === 0xffffffff) entry.localOffset = next();
    }
    at += 4 + size;
  }
}

function entryData(bytes: Uint8Array, entry: ZipEntry, path: string): Uint8Array {
  const fail = (reason: string): never => {
    throw new BadInputFileError(path, `entry ${entry.name}: ${reason}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== SIG_LOCAL) fail('corrupt local header');
  if (entry.flags & 1) fail('encrypted entries are not supported');
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length) fail('truncated data');
  const raw = bytes.subarray(start, start + entry.compressedSize);
  let data: Uint8Array = raw;
  if (entry.method === METHOD_DEFLATE) {
    try {
      data = inflateRawSync(raw);
    } catch (error) {
      fail(`cannot inflate (${error instanceof Error ? error.message : String(error)})`);
    }
  } else if (entry.method !== METHOD_STORED) {
    fail(`unsupported compression method ${entry.method} (only stored and deflate)`);
  }
  if (data.length !== entry.size) fail(`size ${data.length} differs from the directory's ${entry.size}`);
  if (crc32(data) >>> 0 !== entry.crc) fail('CRC mismatch (corrupt file)');
  return data;
}

export interface NpzWriteOptions {
  /** Deflate entries, like np.savez_compressed (default true). */
  compress?: boolean;
}

/** Encodes arrays as an .npz archive, entries in iteration order. */
export function encodeNpz(arrays: ReadonlyMap<string, NpyArray> | Readonly<Record<string, NpyArray>>, options: NpzWriteOptions = {}): Buffer {
  const pairs = arrays instanceof Map ? [...arrays.entries()] : Object.entries(arrays);
  return encodeZip(pairs.map(([key, array]) => [`${key}.npy`, encodeNpy(array)] as const), options);
}

/** Encodes named byte strings as a zip archive (what np.savez writes around its .npy entries). */
export function encodeZip(entries: readonly (readonly [name: string, data: Uint8Array])[], options: NpzWriteOptions = {}): Buffer {
  const compress = options.compress ?? true;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [entryName, plain] of entries) {
    const name = Buffer.from(entryName, 'utf8');
    const stored = compress ? deflateRawSync(plain, { level: 9 }) : plain;
    if (offset > 0xfffffffe || stored.length > 0xfffffffe || plain.length > 0xfffffffe) {
      throw new RangeError('npz entries over 4 GiB need zip64, which the writer does not produce');
    }
    const fields = {
      method: compress ? METHOD_DEFLATE : METHOD_STORED,
      crc: crc32(plain) >>> 0,
      compressedSize: stored.length,
      size: plain.length,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    writeCommonFields(local, 4, fields, name.length);
    locals.push(local, name, Buffer.from(stored.buffer, stored.byteOffset, stored.length));

    const central = Buffer.alloc(46);
    central.writeUInt32LE(SIG_CENTRAL, 0);
    central.writeUInt16LE(20, 4); // made by: version 2.0
    writeCommonFields(central, 6, fields, name.length);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The run of fields local and central headers share, from "version needed" to the name length. */
function writeCommonFields(
  header: Buffer,
  at: number,
  fields: { method: number; crc: number; compressedSize: number; size: number },
  nameLength: number,
): void {
  header.writeUInt16LE(20, at); // version needed to extract: 2.0 (deflate)
  header.writeUInt16LE(0, at + 2); // flags
  header.writeUInt16LE(fields.method, at + 4);
  header.writeUInt16LE(0, at + 6); // time
  header.writeUInt16LE(DOS_DATE, at + 8);
  header.writeUInt32LE(fields.crc, at + 10);
  header.writeUInt32LE(fields.compressedSize, at + 14);
  header.writeUInt32LE(fields.size, at + 18);
  header.writeUInt16LE(nameLength, at + 22);
  header.writeUInt16LE(0, at + 24); // extra length
}

export function readNpz(path: string): Map<string, NpyArray> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new BadInputFileError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseNpz(bytes, path);
}

export function writeNpz(path: string, arrays: ReadonlyMap<string, NpyArray> | Readonly<Record<string, NpyArray>>, options?: NpzWriteOptions): void {
  writeFileSync(path, encodeNpz(arrays, options));
}
