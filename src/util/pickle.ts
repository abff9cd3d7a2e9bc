/**
 * Python pickles as the public datasets and the SMPL model files hold them, read without Python:
 * pickleparser (MIT) runs the opcodes; this module maps the few classes those files reference
 * (numpy arrays and dtypes, scipy sparse matrices, chumpy `Ch`) to plain values and never runs
 * anything else. Python 2 `str` (BINSTRING/SHORT_BINSTRING) is read as latin1, one byte per char,
 * exactly as Python 3's `pickle.load(f, encoding='latin1')` does, so raw numpy buffers survive.
 */
import { BufferReader, NameRegistry, Parser } from 'pickleparser';
import { BadInputFileError } from '../errors.js';
import { decodeNpyData, elementCount, type NpyArray } from './npz.js';

/** A value from a pickle after class mapping. Dicts are Maps (keys kept as pickled). */
export type PyValue = null | undefined | boolean | number | string | Uint8Array | PyValue[] | PyDict | NpyArray | PyObjectArray | PyStringArray | SparseMatrix | UnknownPyObject;
export type PyDict = Map<PyValue, PyValue>;

/** A numpy array of Python objects (dtype 'O'), e.g. the dict inside VideoPose3D's npz. */
export interface PyObjectArray {
  kind: 'object-array';
  shape: number[];
  items: PyValue[];
}

/** A numpy array of byte or unicode strings (dtype 'S' / 'U'). */
export interface PyStringArray {
  kind: 'string-array';
  shape: number[];
  items: string[];
}

/** scipy.sparse csc/csr matrix, kept compressed. */
export interface SparseMatrix {
  kind: 'sparse';
  format: 'csc' | 'csr';
  shape: [number, number];
  data: Float64Array;
  indices: Int32Array;
  indptr: Int32Array;
}

/** An instance of a class this reader does not map (its module and name, for error messages). */
export interface UnknownPyObject {
  kind: 'unknown-object';
  className: string;
}

export function isNpyArray(value: unknown): value is NpyArray {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'shape' in value && 'data' in value;
}

export function isPyDict(value: unknown): value is PyDict {
  return value instanceof Map;
}

/** numpy.dtype(code, align, copy), completed by __setstate__ with the byte order. */
class PickledDtype {
  byteOrder = '|';
  constructor(readonly code: string) {}
  __setstate__(state: unknown[]): void {
    if (typeof state[1] === 'string') this.byteOrder = state[1];
  }
  /** numpy's descr spelling: '<f8', '|b1', '|O', '<U6'. */
  descr(): string {
    const code = this.code.replace(/^O\d*$/, 'O');
    const order = this.byteOrder === '=' ? '<' : this.byteOrder;
    return /^[<>|]/.test(code) ? code : `${order}${code}`;
  }
}

/** numpy.core.multiarray._reconstruct(ndarray, (0,), 'b'), completed by __setstate__. */
class PickledNdarray {
  value: PyValue = null;
  constructor(readonly where: string) {}
  __setstate__(state: unknown[]): void {
    // (version, shape, dtype, is_fortran, raw bytes | list of objects)
    const [, shapeValue, dtype, fortran, raw] = state.length === 5 ? state : [1, ...state];
    if (!Array.isArray(shapeValue) || !(dtype instanceof PickledDtype)) throw new BadInputFileError(this.where, 'numpy array with an unreadable state');
    const shape = shapeValue.map(Number);
    const descr = dtype.descr();
    if (descr.endsWith('O')) {
      if (!Array.isArray(raw)) throw new BadInputFileError(this.where, 'numpy object array without its item list');
      this.value = { kind: 'object-array', shape, items: raw.map((item) => mapPyValue(item)) };
      return;
    }
    const bytes = typeof raw === 'string' ? latin1Bytes(raw) : raw instanceof Uint8Array ? raw : undefined;
    if (!bytes) throw new BadInputFileError(this.where, `numpy ${descr} array without its raw bytes`);
    const text = /^[<>|=]?([SU])(\d+)$/.exec(descr);
    this.value = text ? decodeStrings(text[1] as 'S' | 'U', Number(text[2]), shape, bytes) : decodeNpyData(descr, shape, fortran === true || fortran === 1, bytes, this.where);
  }
}

/** An instance of a plain Python class (scipy matrix, chumpy Ch): its state dict arrives via BUILD. */
class PickledInstance {
  state: PyDict = new Map();
  constructor(readonly className: string) {}
  __setstate__(state: unknown): void {
    if (state instanceof Map) this.state = state as PyDict;
    // (dict, slots) pairs appear for classes with __slots__; the dict half is what we read.
    else if (Array.isArray(state) && state[0] instanceof Map) this.state = state[0] as PyDict;
  }
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

/** numpy 'S' (bytes, latin1) or 'U' (UCS-4) items of `width` characters, trailing NULs dropped. */
export function decodeStrings(kind: 'S' | 'U', width: number, shape: number[], bytes: Uint8Array): PyStringArray {
  const count = elementCount(shape);
  const itemBytes = kind === 'S' ? width : width * 4;
  const items = Array.from({ length: count }, (_, i) => {
    const slice = bytes.subarray(i * itemBytes, (i + 1) * itemBytes);
    const text = kind === 'S' ? Buffer.from(slice).toString('latin1') : String.fromCodePoint(...new Uint32Array(Uint8Array.from(slice).buffer));
    return text.replace(/\0+$/, '');
  });
  return { kind: 'string-array', shape, items };
}

/** Python 2 str opcodes decode as latin1 (1 byte = 1 char), like encoding='latin1' in Python 3. */
class Latin1Reader extends BufferReader {
  override string(size: number, encoding: 'ascii' | 'utf-8'): string {
    return encoding === 'ascii' ? Buffer.from(this.bytes(size)).toString('latin1') : super.string(size, encoding);
  }
}

const NUMPY_MODULES = ['numpy.core.multiarray', 'numpy._core.multiarray'];
const SPARSE_CLASSES: Record<string, 'csc' | 'csr'> = {
  'scipy.sparse.csc.csc_matrix': 'csc',
  'scipy.sparse._csc.csc_matrix': 'csc',
  'scipy.sparse.csr.csr_matrix': 'csr',
  'scipy.sparse._csr.csr_matrix': 'csr',
};

/** Maps the known classes; anything else becomes an inert instance named in errors if it is used. */
class DatasetNames extends NameRegistry {
  constructor(where: string) {
    super();
    const reconstruct = () => new PickledNdarray(where);
    for (const module of NUMPY_MODULES) this.register(module, '_reconstruct', reconstruct).register(module, 'scalar', pickledScalar(where));
    this.register('numpy', 'ndarray', function ndarray() {});
    this.register('numpy', 'dtype', (code: string) => new PickledDtype(code));
    // Protocol 0/1 instances: copy_reg._reconstructor(cls, object, None) → an empty instance of cls.
    const reconstructor = (cls: new () => unknown) => new cls();
    this.register('copy_reg', '_reconstructor', reconstructor).register('copyreg', '_reconstructor', reconstructor);
    // Python 3 writes bytes at protocol 2 as _codecs.encode(latin1 text, 'latin1').
    this.register('_codecs', 'encode', (text: string) => latin1Bytes(text));
  }
  override resolve(module: string, name: string) {
    const known = this._registry.get(`${module}.${name}`);
    if (known) return known;
    const className = `${module}.${name}`;
    // A constructor, so NEWOBJ (protocol 2) and _reconstructor (protocol 0/1) both make an instance.
    return function PickledClass(this: unknown) {
      return new PickledInstance(className);
    } as unknown as new () => unknown;
  }
}

/** numpy.core.multiarray.scalar(dtype, raw bytes): a 0-d numeric value (e.g. a pickled np.float64). */
function pickledScalar(where: string) {
  return (dtype: PickledDtype, raw: string | Uint8Array) => {
    const bytes = typeof raw === 'string' ? latin1Bytes(raw) : raw;
    const array = decodeNpyData(dtype.descr(), [], false, bytes, where);
    const value = array.data[0]!;
    return typeof value === 'bigint' ? Number(value) : value;
  };
}

/** Parses pickle bytes; every failure is a BadInputFileError naming `where`. */
export function parsePickle(bytes: Uint8Array, where: string): PyValue {
  let raw: unknown;
  try {
    const parser = new Parser({ nameResolver: new DatasetNames(where), unpicklingTypeOfDictionary: 'Map', unpicklingTypeOfSet: 'array' });
    raw = parser.read(new Latin1Reader(bytes));
  } catch (error) {
    if (error instanceof BadInputFileError) throw error;
    throw new BadInputFileError(where, `not a readable pickle (${(error as Error).message})`);
  }
  return mapPyValue(raw);
}

/** Turns parser output into PyValue: arrays unwrapped, known classes mapped, the rest named. */
function mapPyValue(value: unknown): PyValue {
  if (value instanceof PickledNdarray) return value.value;
  if (value instanceof PickledInstance) return mapInstance(value);
  if (value instanceof Map) {
    const out: PyDict = new Map();
    for (const [key, item] of value) out.set(mapPyValue(key), mapPyValue(item));
    return out;
  }
  if (Array.isArray(value)) return value.map(mapPyValue);
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string' || value instanceof Uint8Array) return value;
  if (typeof value === 'bigint') return Number(value);
  const named = value as { __module__?: string; __name__?: string };
  return { kind: 'unknown-object', className: `${named.__module__ ?? '?'}.${named.__name__ ?? typeof value}` };
}

function mapInstance(instance: PickledInstance): PyValue {
  const format = SPARSE_CLASSES[instance.className];
  if (format) return mapSparse(instance, format);
  // chumpy.ch.Ch keeps its value in the 'x' term of its __dict__ (chumpy's __getstate__).
  if (instance.className === 'chumpy.ch.Ch') {
    const x = mapPyValue(instance.state.get('x'));
    if (isNpyArray(x)) return x;
    return { kind: 'unknown-object', className: 'chumpy.ch.Ch without an array x' };
  }
  return { kind: 'unknown-object', className: instance.className };
}

function mapSparse(instance: PickledInstance, format: 'csc' | 'csr'): SparseMatrix | UnknownPyObject {
  const get = (key: string) => mapPyValue(instance.state.get(key));
  const shape = get('_shape') ?? get('shape');
  const [data, indices, indptr] = [get('data'), get('indices'), get('indptr')];
  if (!Array.isArray(shape) || shape.length !== 2 || !isNpyArray(data) || !isNpyArray(indices) || !isNpyArray(indptr)) {
    return { kind: 'unknown-object', className: `${instance.className} without shape/data/indices/indptr` };
  }
  return {
    kind: 'sparse',
    format,
    shape: [Number(shape[0]), Number(shape[1])],
    data: Float64Array.from(data.data as ArrayLike<number>, Number),
    indices: Int32Array.from(indices.data as ArrayLike<number>, Number),
    indptr: Int32Array.from(indptr.data as ArrayLike<number>, Number),
  };
}

/** A sparse matrix as a dense row-major Float64Array. */
export function sparseToDense(matrix: SparseMatrix): Float64Array {
  const [rows, cols] = matrix.shape;
  const dense = new Float64Array(rows * cols);
  const outer = matrix.format === 'csc' ? cols : rows;
  for (let o = 0; o < outer; o++) {
    for (let k = matrix.indptr[o]!; k < matrix.indptr[o + 1]!; k++) {
      const inner = matrix.indices[k]!;
      const [r, c] = matrix.format === 'csc' ? [inner, o] : [o, inner];
      dense[r * cols + c] = matrix.data[k]!;
    }
  }
  return dense;
}
