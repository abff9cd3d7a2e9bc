import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BadInputFileError } from '../../src/errors.js';
import { encodeNpy, encodeNpz, makeNpyArray, parseNpy, parseNpz, readNpz, writeNpz, type NpyArray } from '../../src/util/npz.js';

/** Written by numpy 2.4 `np.savez_compressed` (deflated entries, zip64 extras in the local headers). */
const NUMPY_COMPRESSED = [
  'UEsDBC0AAAAIAAAAIQCpMcqQ//////////8GABQAZjQubnB5AQAQAJgAAAAAAAAAXAAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRu',
  'paBuk2airqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOgrGmjoKtQpkAy4GhgP2DAwCBxgYHBwYGBqAeAMQ3zgAAFBL',
  'AwQtAAAACAAAACEAy4Yckf//////////BgAUAGY4Lm5weQEAEACQAAAAAAAAAFUAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWg',
  'bpNmoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjqaOgq1ChQALgldl5DfipwOc0oZOmyemP8DAFBLAwQtAAAACAAA',
  'ACEAzLu4JP//////////BgAUAGk0Lm5weQEAEACIAAAAAAAAAEkAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoq6joJ6W',
  'X1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjqaOgq1ChQArp//waAeAFBLAwQtAAAACAAAACEAR45MuP//////////BgAUAGk4',
  'Lm5weQEAEACIAAAAAAAAAEsAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4Fihdn',
  'JBakAvkahjoKhpo6CrUKZAOu/2Bw/z8AUEsDBC0AAAAIAAAAIQD9oR/j//////////8GABQAdTQubnB5AQAQAIwAAAAAAAAATAAA',
  'AAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuU2qirqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOpo6CrUKFACu/0DA',
  'AASMQAwAUEsDBC0AAAAIAAAAIQDSQj9H//////////8GABQAdTEubnB5AQAQAIUAAAAAAAAASQAAAAAAAACb7BfqGxDJyFDGUK2e',
  'klqcXKRupaBeU2qorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RqmOpo6CrUKFAAuBkYmZhYAUEsDBC0AAAAIAAAAIQBy',
  'ydg+//////////8GABQAdTgubnB5AQAQAIgAAAAAAAAARwAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuU2qhrqOgnpZfVFKU',
  'mBefX5SSChJ3S8wpTgWKF2ckFqQC+RqGOpo6CrUKFACu/1AAAFBLAwQtAAAACAAAACEAFpOMu///////////BQAUAGIubnB5AQAQ',
  'AIMAAAAAAAAARwAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBek2SorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrG',
  'Opo6CrUKFAAuRgZGAFBLAwQtAAAACAAAACEAZIwiw///////////BQAUAHMubnB5AQAQAIQAAAAAAAAARgAAAAAAAACb7BfqGxDJ',
  'yFDGUK2eklqcXKRupaBuk2airqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RqaOgq1ChQBLgYGBQcAUEsBAi0DLQAAAAgA',
  'AAAhAKkxypBcAAAAmAAAAAYAAAAAAAAAAAAAAIABAAAAAGY0Lm5weVBLAQItAy0AAAAIAAAAIQDLhhyRVQAAAJAAAAAGAAAAAAAA',
  'AAAAAACAAZQAAABmOC5ucHlQSwECLQMtAAAACAAAACEAzLu4JEkAAACIAAAABgAAAAAAAAAAAAAAgAEhAQAAaTQubnB5UEsBAi0D',
  'LQAAAAgAAAAhAEeOTLhLAAAAiAAAAAYAAAAAAAAAAAAAAIABogEAAGk4Lm5weVBLAQItAy0AAAAIAAAAIQD9oR/jTAAAAIwAAAAG',
  'AAAAAAAAAAAAAACAASUCAAB1NC5ucHlQSwECLQMtAAAACAAAACEA0kI/R0kAAACFAAAABgAAAAAAAAAAAAAAgAGpAgAAdTEubnB5',
  'UEsBAi0DLQAAAAgAAAAhAHLJ2D5HAAAAiAAAAAYAAAAAAAAAAAAAAIABKgMAAHU4Lm5weVBLAQItAy0AAAAIAAAAIQAWk4y7RwAA',
  'AIMAAAAFAAAAAAAAAAAAAACAAakDAABiLm5weVBLAQItAy0AAAAIAAAAIQBkjCLDRgAAAIQAAAAFAAAAAAAAAAAAAACAAScEAABz',
  'Lm5weVBLBQYAAAAACQAJANIBAACkBAAAAAA=',
].join('');

/** Written by numpy `np.savez` (stored entries); kintree holds SMPL's 4294967295 root parent as <i8. */
const NUMPY_STORED = [
  'UEsDBC0AAAAAAAAAIQDBnXf0//////////8LABQAa2ludHJlZS5ucHkBABAAoAAAAAAAAACgAAAAAAAAAJNOVU1QWQEAdgB7J2Rl',
  'c2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAyKSwgfSAgICAgICAgICAgICAgICAgICAg',
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAK/////wAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAABQSwME',
  'LQAAAAAAAAAhAOyUSsz//////////wUAFAB3Lm5weQEAEACIAAAAAAAAAIgAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGY0',
  'JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg',
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA+AACAv1BLAQItAy0AAAAAAAAAIQDBnXf0oAAAAKAAAAALAAAAAAAAAAAA',
  'AACAAQAAAABraW50cmVlLm5weVBLAQItAy0AAAAAAAAAIQDslErMiAAAAIgAAAAFAAAAAAAAAAAAAACAAd0AAAB3Lm5weVBLBQYA',
  'AAAAAgACAGwAAACcAQAAAAA=',
].join('');

const dir = mkdtempSync(join(tmpdir(), 'hmmr-npz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('reads every supported dtype from a numpy savez_compressed file', () => {
  const arrays = parseNpz(Buffer.from(NUMPY_COMPRESSED, 'base64'), 'numpy.npz');
  assert.deepEqual([...arrays.keys()], ['f4', 'f8', 'i4', 'i8', 'u4', 'u1', 'u8', 'b', 's']);
  const f4 = arrays.get('f4')!;
  assert.equal(f4.dtype, 'float32');
  assert.deepEqual(f4.shape, [2, 3]);
  assert.deepEqual(Array.from(f4.data as Float32Array), [1.5, -2.25, 3, 4, 5.5, -6.75]);
  assert.deepEqual(Array.from(arrays.get('f8')!.data as Float64Array), [Math.PI, -1e300]);
  assert.deepEqual(Array.from(arrays.get('i4')!.data as Int32Array), [-7, 2147483647]);
  assert.deepEqual(arrays.get('i8')!.shape, [1, 1]);
  assert.deepEqual(Array.from(arrays.get('i8')!.data as BigInt64Array), [-9007199254740993n]);
  assert.deepEqual(Array.from(arrays.get('u4')!.data as Uint32Array), [4294967295, 0, 1]);
  assert.deepEqual(Array.from(arrays.get('u1')!.data as Uint8Array), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(arrays.get('u8')!.data as BigUint64Array), [18446744073709551615n]);
  assert.equal(arrays.get('b')!.dtype, 'bool');
  assert.deepEqual(Array.from(arrays.get('b')!.data as Uint8Array), [1, 0, 1]);
  assert.deepEqual(arrays.get('s')!.shape, []);
  assert.deepEqual(Array.from(arrays.get('s')!.data as Float32Array), [2.5]);
});

test('reads a numpy savez file with stored entries', () => {
  const arrays = parseNpz(Buffer.from(NUMPY_STORED, 'base64'), 'stored.npz');
  assert.deepEqual(arrays.get('kintree')!.shape, [2, 2]);
  assert.deepEqual(Array.from(arrays.get('kintree')!.data as BigInt64Array), [4294967295n, 0n, 0n, 1n]);
  assert.deepEqual(Array.from(arrays.get('w')!.data as Float32Array), [0.25, -1]);
});

/** A .npy file built byte by byte: magic, version, header length, header text, data. */
function handBuiltNpy(version: 1 | 2, header: string, data: Uint8Array): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const bytes = new Uint8Array(prefix + header.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), prefix);
  bytes.set(data, prefix + header.length);
  return bytes;
}

test('parses a hand-built version 2.0 .npy file', () => {
  const data = new Uint8Array(Int32Array.from([5, -6, 7]).buffer);
  const array = parseNpy(handBuiltNpy(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }\n", data), 'hand.npy');
  assert.equal(array.dtype, 'int32');
  assert.deepEqual(array.shape, [3]);
  assert.deepEqual(Array.from(array.data as Int32Array), [5, -6, 7]);
});

test('Fortran-order arrays (what scipy .toarray() gives) are reordered to C order', () => {
  // The 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
  const matrix = new Uint8Array(Float32Array.from([1, 4, 2, 5, 3, 6]).buffer);
  const array = parseNpy(handBuiltNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", matrix), 'f.npy');
  assert.deepEqual(Array.from(array.data as Float32Array), [1, 2, 3, 4, 5, 6]);
  // A 2×2×2 block: element (i, j, k) stored at i + 2j + 4k; in C order it belongs at 4i + 2j + k.
  const cube = Int32Array.from({ length: 8 }, (_, f) => {
    const [i, j, k] = [f % 2, Math.floor(f / 2) % 2, Math.floor(f / 4)];
    return 4 * i + 2 * j + k;
  });
  const parsed = parseNpy(handBuiltNpy(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2, 2), }\n", new Uint8Array(cube.buffer)), 'cube.npy');
  assert.deepEqual(Array.from(parsed.data as Int32Array), [0, 1, 2, 3, 4, 5, 6, 7]);
});

const SAMPLES: Record<string, NpyArray> = {
  weights: makeNpyArray('float32', [2, 2, 2], Float32Array.from([0, 0.5, -1, 2, 3.25, 4, 5, 6])),
  faces: makeNpyArray('int32', [1, 3], Int32Array.from([0, 1, 2])),
  big: makeNpyArray('int64', [2], BigInt64Array.from([-1n, 1n << 40n])),
  mask: makeNpyArray('bool', [2], Uint8Array.from([1, 0])),
  empty: makeNpyArray('float64', [0, 3], new Float64Array(0)),
  scalar: makeNpyArray('float64', [], Float64Array.from([0.125])),
};

for (const compress of [true, false]) {
  test(`round trip through a file (compress=${compress})`, () => {
    const path = join(dir, `round-${compress}.npz`);
    writeNpz(path, SAMPLES, { compress });
    const back = readNpz(path);
    assert.deepEqual([...back.keys()], Object.keys(SAMPLES));
    for (const [key, array] of Object.entries(SAMPLES)) {
      assert.deepEqual(back.get(key), array, key);
    }
  });
}

test('writing is deterministic, and .npy headers are padded to 64 bytes as numpy does', () => {
  assert.deepEqual(encodeNpz(SAMPLES), encodeNpz(SAMPLES));
  const npy = encodeNpy(SAMPLES.weights!);
  assert.equal((npy.length - 8 * 4) % 64, 0);
});

test('makeNpyArray rejects data that does not fit the dtype or shape', () => {
  assert.throws(() => makeNpyArray('float32', [2, 2], new Float32Array(3)), /needs 4 values, got 3/);
  assert.throws(() => makeNpyArray('float32', [1], new Float64Array(1)), /needs a Float32Array/);
});

test('bad archives give BadInputFileError naming the file and the problem', () => {
  const path = join(dir, 'not-a-zip.npz');
  writeFileSync(path, 'hello, this is not a zip file at all');
  assert.throws(
    () => readNpz(path),
    (error: unknown) => error instanceof BadInputFileError && error.path === path && /no end-of-central-directory/.test(error.reason),
  );
  assert.throws(() => readNpz(join(dir, 'missing.npz')), /missing\.npz: cannot read \(ENOENT\)/);

  const corrupt = Buffer.from(encodeNpz(SAMPLES, { compress: false }));
  corrupt[200] = corrupt[200]! ^ 0xff;
  assert.throws(() => parseNpz(corrupt, 'corrupt.npz'), /corrupt\.npz: entry \w+\.npy: CRC mismatch/);
});

test('unsupported or broken .npy contents give clear errors', () => {
  const four = new Uint8Array(4);
  assert.throws(
    () => parseNpy(handBuiltNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", four), 'be.npy'),
    /be\.npy: unsupported dtype '>f4'/,
  );
  assert.throws(
    () => parseNpy(handBuiltNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", four), 't.npy'),
    /t\.npy: truncated data/,
  );
  assert.throws(() => parseNpy(new Uint8Array(20), 'zero.npy'), /zero\.npy: not a \.npy array/);
});
