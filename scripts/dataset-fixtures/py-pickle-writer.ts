/**
 * A minimal pickler for test fixtures, written from the pickle opcode table (CPython's
 * pickletools), NOT from hmmr's reader: it emits what Python 2's cPickle.dump(obj, f, 2) emits for
 * dicts, lists, tuples, str, int, float, bool, None, numpy arrays (_reconstruct + __setstate__ with
 * the raw buffer as a py2 str) and plain class instances (NEWOBJ + BUILD with a state dict), with
 * memoised globals. `protocol: 3` writes what Python 3's np.save writes inside an npz (unicode
 * keys, bytes buffers).
 */

export type PyFixture =
  | { kind: 'dict'; entries: [PyFixture, PyFixture][] }
  | { kind: 'list' | 'tuple'; items: PyFixture[] }
  | { kind: 'str'; text: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'ndarray'; code: string; byteOrder: '<' | '|'; shape: number[]; raw: Uint8Array; fortran?: boolean }
  | { kind: 'object-ndarray'; shape: number[]; items: PyFixture[] }
  | { kind: 'instance'; module: string; name: string; state: PyFixture };

export const py = {
  dict: (entries: Record<string, PyFixture>): PyFixture => ({ kind: 'dict', entries: Object.entries(entries).map(([k, v]) => [py.str(k), v]) }),
  list: (items: PyFixture[]): PyFixture => ({ kind: 'list', items }),
  tuple: (items: PyFixture[]): PyFixture => ({ kind: 'tuple', items }),
  str: (text: string): PyFixture => ({ kind: 'str', text }),
  int: (value: number): PyFixture => ({ kind: 'int', value }),
  float: (value: number): PyFixture => ({ kind: 'float', value }),
  bool: (value: boolean): PyFixture => ({ kind: 'bool', value }),
  none: (): PyFixture => ({ kind: 'none' }),
  f64: (shape: number[], values: ArrayLike<number>): PyFixture => ndarray('f8', '<', shape, new Float64Array(Array.from(values))),
  f32: (shape: number[], values: ArrayLike<number>): PyFixture => ndarray('f4', '<', shape, new Float32Array(Array.from(values))),
  i64: (shape: number[], values: ArrayLike<number>): PyFixture => ndarray('i8', '<', shape, BigInt64Array.from(Array.from(values), (v) => BigInt(v))),
  i32: (shape: number[], values: ArrayLike<number>): PyFixture => ndarray('i4', '<', shape, new Int32Array(Array.from(values))),
  bool8: (shape: number[], values: ArrayLike<number>): PyFixture => ndarray('b1', '|', shape, Uint8Array.from(Array.from(values), (v) => (v ? 1 : 0))),
  objects: (shape: number[], items: PyFixture[]): PyFixture => ({ kind: 'object-ndarray', shape, items }),
  instance: (module: string, name: string, state: PyFixture): PyFixture => ({ kind: 'instance', module, name, state }),
};

function ndarray(code: string, byteOrder: '<' | '|', shape: number[], typed: ArrayBufferView): PyFixture {
  return { kind: 'ndarray', code, byteOrder, shape, raw: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
}

/** Pickle bytes of `value` (protocol 2 = Python 2 cPickle, 3 = Python 3 np.save's object pickles). */
export function writePickle(value: PyFixture, protocol: 2 | 3 = 2): Buffer {
  const out: number[] = [];
  const memo = new Map<string, number>();
  let nextMemo = 0;
  const bytes = (data: ArrayLike<number>) => {
    for (let i = 0; i < data.length; i++) out.push(data[i]!);
  };
  const u32 = (n: number) => bytes([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
  const put = () => {
    if (nextMemo < 256) bytes([0x71, nextMemo]); // BINPUT
    else (out.push(0x72), u32(nextMemo)); // LONG_BINPUT
    return nextMemo++;
  };
  const global = (module: string, name: string) => {
    const key = `${module}\n${name}`;
    const at = memo.get(key);
    if (at !== undefined) return at < 256 ? bytes([0x68, at]) : (out.push(0x6a), u32(at)); // BINGET
    bytes([0x63]); // GLOBAL
    bytes(Buffer.from(`${module}\n${name}\n`, 'latin1'));
    memo.set(key, put());
  };
  const text = (s: string) => {
    if (protocol === 3) {
      const utf8 = Buffer.from(s, 'utf8');
      bytes([0x58]); // BINUNICODE
      u32(utf8.length);
      bytes(utf8);
    } else binaryString(Buffer.from(s, 'latin1'));
  };
  const binaryString = (raw: Uint8Array) => {
    if (raw.length < 256) bytes([0x55, raw.length]); // SHORT_BINSTRING
    else (bytes([0x54]), u32(raw.length)); // BINSTRING
    bytes(raw);
  };
  const rawBytes = (raw: Uint8Array) => {
    if (protocol === 2) return binaryString(raw);
    if (raw.length < 256) bytes([0x43, raw.length]); // SHORT_BINBYTES
    else (bytes([0x42]), u32(raw.length)); // BINBYTES
    bytes(raw);
  };
  const int = (n: number) => {
    if (n >= 0 && n < 256) bytes([0x4b, n]); // BININT1
    else if (n >= 0 && n < 65536) bytes([0x4d, n & 0xff, n >> 8]); // BININT2
    else (out.push(0x4a), u32(n >>> 0)); // BININT (signed 32-bit)
  };
  const tupleOf = (items: (() => void)[]) => {
    if (items.length === 0) return bytes([0x29]); // EMPTY_TUPLE
    if (items.length <= 3) {
      items.forEach((item) => item());
      bytes([0x84 + items.length]); // TUPLE1..3
    } else {
      bytes([0x28]); // MARK
      items.forEach((item) => item());
      bytes([0x74]); // TUPLE
    }
    put();
  };
  const dtype = (code: string, byteOrder: string) => {
    global('numpy', 'dtype');
    // Python 2 passes (code, 0, 1); Python 3 (code, False, True).
    tupleOf(protocol === 2 ? [() => text(code), () => int(0), () => int(1)] : [() => text(code), () => bytes([0x89]), () => bytes([0x88])]);
    bytes([0x52]); // REDUCE
    put();
    tupleOf([() => int(3), () => text(byteOrder), () => bytes([0x4e]), () => bytes([0x4e]), () => bytes([0x4e]), () => int(-1), () => int(-1), () => int(code.startsWith('O') ? 63 : 0)]);
    // 63: numpy's flags for object dtypes (refcounted items); without them numpy reads raw bytes.
    bytes([0x62]); // BUILD
  };
  const reconstruct = (shape: number[], code: string, byteOrder: string, fortran: boolean, data: () => void) => {
    global('numpy.core.multiarray', '_reconstruct');
    // The typecode is a py2 str under Python 2 and bytes under Python 3.
    tupleOf([() => global('numpy', 'ndarray'), () => tupleOf([() => int(0)]), () => rawBytes(Buffer.from('b'))]);
    bytes([0x52]); // REDUCE
    put();
    tupleOf([() => int(1), () => tupleOf(shape.map((size) => () => int(size))), () => dtype(code, byteOrder), () => bytes([fortran ? 0x88 : 0x89]), data]);
    bytes([0x62]); // BUILD
  };
  const write = (v: PyFixture): void => {
    switch (v.kind) {
      case 'none':
        return void bytes([0x4e]);
      case 'bool':
        return void bytes([v.value ? 0x88 : 0x89]);
      case 'int':
        return int(v.value);
      case 'float': {
        const buffer = Buffer.alloc(8);
        buffer.writeDoubleBE(v.value);
        bytes([0x47]); // BINFLOAT
        return bytes(buffer);
      }
      case 'str':
        text(v.text);
        put();
        return;
      case 'tuple':
        return tupleOf(v.items.map((item) => () => write(item)));
      case 'list':
        bytes([0x5d]); // EMPTY_LIST
        put();
        if (v.items.length === 0) return;
        bytes([0x28]);
        v.items.forEach(write);
        return void bytes([0x65]); // APPENDS
      case 'dict':
        bytes([0x7d]); // EMPTY_DICT
        put();
        if (v.entries.length === 0) return;
        bytes([0x28]);
        for (const [key, item] of v.entries) (write(key), write(item));
        return void bytes([0x75]); // SETITEMS
      case 'ndarray':
        return reconstruct(v.shape, v.code, v.byteOrder, v.fortran ?? false, () => rawBytes(v.raw));
      case 'object-ndarray':
        return reconstruct(v.shape, 'O8', '|', false, () => write(py.list(v.items)));
      case 'instance':
        global(v.module, v.name);
        bytes([0x29, 0x81]); // EMPTY_TUPLE NEWOBJ
        put();
        write(v.state);
        return void bytes([0x62]); // BUILD
    }
  };
  bytes([0x80, protocol]); // PROTO
  write(value);
  bytes([0x2e]); // STOP
  return Buffer.from(out);
}
