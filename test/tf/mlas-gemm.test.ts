import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { MlasGemm } from '../../src/tf/mlas-gemm.js';
import { activeGemmEngine, MIN_MLAS_INNER, MIN_MLAS_MULTIPLY_ADDS, type GemmEngine } from '../../src/tf/mlas-kernels.js';
import { defaultProbes, initBackend, type BackendProbes } from '../../src/tf/backend.js';
import { Rng } from '../../src/train/rng.js';
import * as tf from '../../src/tf/tf.js';

/** The textbook triple loop, written here: the reference every native result is held to. */
function naiveProduct(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): Float64Array {
  const y = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[transposeA ? p * m + i : i * k + p]! * b[transposeB ? j * k + p : p * n + j]!;
      y[i * n + j] = acc;
    }
  }
  return y;
}

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

test('MLAS GEMM: a 2×3 · 3×2 product by hand, written into the caller\'s buffer', () => {
  const gemm = MlasGemm.open(1);
  assert.ok(typeof gemm !== 'string', String(gemm));
  const y = new Float32Array(4);
  gemm.run({ a: Float32Array.of(1, 2, 3, 4, 5, 6), b: Float32Array.of(7, 8, 9, 10, 11, 12), y, m: 2, k: 3, n: 2, transposeA: false, transposeB: false, bias: false, relu: false });
  // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
  assert.deepEqual(Array.from(y), [58, 64, 139, 154]);
  const withBias = new Float32Array(4);
  gemm.run({ a: Float32Array.of(1, 2, 3, 4, 5, 6), b: Float32Array.of(7, 8, 9, 10, 11, 12), c: Float32Array.of(-100, -200), y: withBias, m: 2, k: 3, n: 2, transposeA: false, transposeB: false, bias: true, relu: true });
  // + bias [-100, -200] per row, then ReLU: [0 0; 39 0]
  assert.deepEqual(Array.from(withBias), [0, 0, 39, 0]);
  gemm.dispose();
});

test('MLAS GEMM: every transpose combination equals the triple loop on random operands (views into one big buffer)', () => {
  const gemm = MlasGemm.open(2);
  assert.ok(typeof gemm !== 'string', String(gemm));
  const rng = new Rng(7);
  const [m, k, n] = [37, 53, 29];
  // Operands at odd offsets of one buffer, as tensors sit in the wasm heap.
  const heap = new Float32Array(10_000);
  const a = heap.subarray(3, 3 + m * k);
  const b = heap.subarray(3001, 3001 + k * n);
  const y = heap.subarray(6007, 6007 + m * n);
  a.set(rng.uniformArray(m * k, -1, 1));
  b.set(rng.uniformArray(k * n, -1, 1));
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      y.fill(Number.NaN);
      gemm.run({ a, b, y, m, k, n, transposeA, transposeB, bias: false, relu: false });
      assert.ok(maxAbsDiff(y, naiveProduct(a, b, m, k, n, transposeA, transposeB)) < 1e-4, `transposeA=${transposeA} transposeB=${transposeB}`);
    }
  }
  // Nothing outside the output view was touched.
  assert.ok(heap.subarray(6007 + m * n).every((v) => v === 0));
  gemm.dispose();
});

test('wasm-mlas: tf.matMul, fused matMul and batched products route to MLAS and equal the triple loop', async () => {
  const info = await initBackend('wasm-mlas', defaultProbes, { gemmThreads: 1 });
  assert.equal(info.name, 'wasm-mlas');
  assert.match(info.description, /^wasm \+ mlas \(SIMD, 1 thread; matMul on onnxruntime MLAS, 1 thread\)$/);
  const engine = activeGemmEngine();
  assert.ok(engine);
  let calls = 0;
  const counting = { threads: 1, run: (call: Parameters<GemmEngine['run']>[0]) => (calls++, engine.run(call)) };
  (await import('../../src/tf/mlas-kernels.js')).useGemmEngine(counting);
  try {
    const rng = new Rng(11);
    const [m, k, n] = [48, 160, 40];
    assert.ok(m * k * n >= MIN_MLAS_MULTIPLY_ADDS && k >= MIN_MLAS_INNER);
    const a = rng.uniformArray(m * k, -1, 1);
    const b = rng.uniformArray(k * n, -1, 1);
    const bias = rng.uniformArray(n, -1, 1);
    const product = tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]));
    assert.ok(maxAbsDiff(product.dataSync(), naiveProduct(a, b, m, k, n, false, false)) < 1e-4);
    assert.equal(calls, 1);
    const fused = tf.fused.matMul({ a: tf.tensor2d(a, [m, k]), b: tf.tensor2d(b, [k, n]), bias: tf.tensor1d(bias), activation: 'relu' });
    const expected = naiveProduct(a, b, m, k, n, false, false).map((v, i) => Math.max(0, v + bias[i % n]!));
    assert.ok(maxAbsDiff(fused.dataSync(), expected) < 1e-4);
    // A batch of three products against one shared right-hand matrix: one call per product.
    const batch = rng.uniformArray(3 * m * k, -1, 1);
    const batched = tf.matMul(tf.tensor3d(batch, [3, m, k]), tf.tensor3d(b, [1, k, n])).dataSync();
    for (let i = 0; i < 3; i++) {
      const expectedI = naiveProduct(batch.subarray(i * m * k, (i + 1) * m * k), b, m, k, n, false, false);
      assert.ok(maxAbsDiff(batched.subarray(i * m * n, (i + 1) * m * n), expectedI) < 1e-4);
    }
    assert.equal(calls, 5);
    // Tiny products stay on tfjs-wasm's kernel (a native call would cost more than the product).
    const tiny = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    assert.deepEqual(Array.from(tiny.dataSync()), [19, 22, 43, 50]);
    // So do products over a short inner dimension; transposed ones are transposed first, exactly.
    const shortA = rng.uniformArray(96 * 300, -1, 1);
    const shortB = rng.uniformArray(96 * 200, -1, 1);
    const short = tf.matMul(tf.tensor2d(shortA, [96, 300]), tf.tensor2d(shortB, [200, 96]), true, true).dataSync();
    assert.ok(maxAbsDiff(short, naiveProduct(shortA, shortB, 300, 96, 200, true, true)) < 1e-4);
    assert.equal(calls, 5);
    // Gradients (through the shared-buffer Identity that saves tensors for backprop) are exact.
    const x = tf.tensor2d(a, [m, k]);
    const w = tf.tensor2d(b, [k, n]);
    const dw = tf.grad((wv: tf.Tensor) => tf.sum(tf.matMul(x, wv)))(w).dataSync();
    // d/dW Σ(X·W) = Xᵀ·1: column sums of X, repeated across the n columns.
    for (let p = 0; p < k; p++) {
      let column = 0;
      for (let i = 0; i < m; i++) column += a[i * k + p]!;
      for (let j = 0; j < n; j++) assert.ok(Math.abs(dw[p * n + j]! - column) < 1e-3, `dW[${p},${j}]`);
    }
  } finally {
    (await import('../../src/tf/mlas-kernels.js')).useGemmEngine(engine);
  }
});

/** The real machine, with a native GEMM that is off by 1 % in every product. */
const corruptGemm: BackendProbes = {
  ...defaultProbes,
  isInstalled: (name) => !name.startsWith('@tensorflow/tfjs-node') && defaultProbes.isInstalled(name),
  openGemm(threads) {
    const real = defaultProbes.openGemm(threads);
    if (typeof real === 'string') return real;
    return {
      threads: real.threads,
      run(call) {
        real.run(call);
        for (let i = 0; i < call.y.length; i++) call.y[i]! *= 1.01;
      },
    };
  },
};

test('a native GEMM that disagrees with tfjs-wasm is not used: auto falls back to plain wasm and says why; forcing it is a usage error', async () => {
  const info = await initBackend('auto', corruptGemm);
  assert.equal(info.name, 'wasm');
  assert.equal(activeGemmEngine(), undefined);
  assert.match(info.description, /^wasm \(SIMD, 1 thread; native GEMM off: self-test failed: matMul A·B differs from the wasm kernel by 1\.\d+e-2 \(relative\)\)$/);
  // Products still come out right, on the wasm kernels.
  const rng = new Rng(3);
  const [m, k, n] = [48, 160, 40];
  const a = rng.uniformArray(m * k, -1, 1);
  const b = rng.uniformArray(k * n, -1, 1);
  assert.ok(maxAbsDiff(tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])).dataSync(), naiveProduct(a, b, m, k, n, false, false)) < 1e-4);
  await assert.rejects(initBackend('wasm-mlas', corruptGemm), (error: unknown) => error instanceof UsageError && /backend 'wasm-mlas' is not available: self-test failed/.test(error.message));
  const missing: BackendProbes = { ...corruptGemm, openGemm: () => 'onnxruntime-node failed to load: cannot find module' };
  assert.match((await initBackend('auto', missing)).description, /native GEMM off: onnxruntime-node failed to load: cannot find module\)$/);
  await initBackend('wasm');
});
