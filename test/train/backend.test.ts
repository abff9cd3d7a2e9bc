import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { defaultProbes, initBackend, parseBackendChoice, type BackendProbes } from '../../src/tf/backend.js';
import * as tf from '../../src/tf/tf.js';

const nativeInstalled =
  defaultProbes.isInstalled('@tensorflow/tfjs-node') || defaultProbes.isInstalled('@tensorflow/tfjs-node-gpu');

/** The real machine, except that the native packages are reported absent. */
const withoutNativePackages: BackendProbes = {
  ...defaultProbes,
  isInstalled: (name) => !name.startsWith('@tensorflow/tfjs-node') && defaultProbes.isInstalled(name),
};

test('auto picks wasm with the native GEMM when tfjs-node is absent, and says why it skipped the native backends', async () => {
  const listenersBefore = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
  const info = await initBackend('auto', withoutNativePackages);
  // The wasm runtime's rethrowing crash handlers are removed (they dump the whole runtime on a crash).
  assert.deepEqual([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')], listenersBefore);
  assert.equal(info.name, 'wasm-mlas');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(
    info.skipped.map((s) => s.name),
    ['tfjs-node-gpu', 'tfjs-node'],
  );
  assert.match(info.skipped[1]!.reason, /@tensorflow\/tfjs-node is not installed/);
  // It computes, with gradients (the wasm backend is the one training runs on here).
  const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, x)))(tf.tensor1d([1, 2, 3]));
  assert.deepEqual(Array.from(await grad.data()), [2, 4, 6]);
});

test('auto on this machine', { skip: nativeInstalled ? 'a tfjs-node package is installed here' : false }, async () => {
  assert.equal((await initBackend('auto')).name, 'wasm-mlas');
});

test('--backend cpu forces the cpu backend, without tfjs\'s "install tfjs-node" banner', async () => {
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    const info = await initBackend('cpu');
    assert.equal(info.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0], 6);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
  await initBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('forcing a backend that is not installed is a clear usage error', async () => {
  await assert.rejects(initBackend('tfjs-node', withoutNativePackages), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /backend 'tfjs-node' is not available: @tensorflow\/tfjs-node is not installed/);
    return true;
  });
});

test('a native package that fails to load is skipped by auto and reported when forced', async () => {
  const broken: BackendProbes = {
    isInstalled: () => true,
    load: async () => {
      throw new Error('libcudart.so.11.0: cannot open shared object file\nmore detail');
    },
    hasNvidiaGpu: () => true,
    openGemm: defaultProbes.openGemm,
  };
  const info = await initBackend('auto', broken);
  assert.equal(info.name, 'wasm-mlas');
  assert.match(info.skipped[0]!.reason, /failed to load: libcudart\.so\.11\.0: cannot open shared object file$/);
  await assert.rejects(initBackend('tfjs-node-gpu', broken), /backend 'tfjs-node-gpu' is not available: .*libcudart/);
});

test('unknown backend names are rejected', () => {
  assert.throws(() => parseBackendChoice('webgpu'), /unknown backend 'webgpu'; choose one of auto, tfjs-node-gpu, tfjs-node, wasm-mlas, wasm, cpu/);
  assert.equal(parseBackendChoice('cpu'), 'cpu');
});
