import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadInputFileError, ModelMismatchError, UsageError } from '../../src/errors.js';
import { loadDescriptor, parseDescriptor } from '../../src/pose2d/descriptor.js';
import type { PoseMaps } from '../../src/pose2d/maps.js';
import { resolveModelFiles } from '../../src/pose2d/model-files.js';
import { buildInputBatch, pixelFormatFor } from '../../src/pose2d/preprocess.js';
import { openPoseSession } from '../../src/pose2d/session.js';
import { inferenceLayout, openPoseWorkers } from '../../src/pose2d/session-pool.js';
import { projectPath } from '../../src/util/project-root.js';
import { readFrames } from '../../src/video/frame-source.js';
import { tempDir } from '../helpers/temp-dir.js';
import { buildConvModel } from './onnx-builder.js';

const BODY25_PATH = projectPath('models', 'descriptors', 'openpose_body25.json');
const dir = tempDir('hmmr-pose2d-session-pool-');

test('the cores are split by the descriptor\'s threads per session, or the flag; CUDA gets one session', () => {
  const fast = resolveModelFiles({ quality: 'fast' }).descriptor;
  const accurate = resolveModelFiles({ quality: 'accurate' }).descriptor;
  const withoutRuntime = loadDescriptor(BODY25_PATH);
  assert.equal(fast.threadsPerSession, 1, 'the shipped fast model runs one single-thread session per core');
  assert.equal(accurate.threadsPerSession, 1, 'so does the shipped accurate model');
  assert.equal(withoutRuntime.threadsPerSession, undefined);
  assert.deepEqual(inferenceLayout(fast, 'cpu', undefined, 2), { sessions: 2, threadsPerSession: 1 });
  assert.deepEqual(inferenceLayout(fast, 'cpu', undefined, 16), { sessions: 16, threadsPerSession: 1 });
  assert.deepEqual(inferenceLayout(accurate, 'cpu', undefined, 2), { sessions: 2, threadsPerSession: 1 });
  assert.deepEqual(inferenceLayout(withoutRuntime, 'cpu', undefined, 2), { sessions: 1, threadsPerSession: 2 }, 'no runtime block: one session of every core');
  assert.deepEqual(inferenceLayout(accurate, 'cpu', 4, 16), { sessions: 4, threadsPerSession: 4 });
  assert.deepEqual(inferenceLayout(fast, 'cpu', 3, 16), { sessions: 5, threadsPerSession: 3 }, 'a remainder core is left to the labeller');
  assert.deepEqual(inferenceLayout(fast, 'cpu', 8, 2), { sessions: 1, threadsPerSession: 2 }, 'never more threads than cores');
  assert.equal(inferenceLayout(fast, 'cuda', undefined, 16).sessions, 1);
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => inferenceLayout(fast, 'cpu', bad, 2), (error: unknown) => error instanceof UsageError && /--session-threads must be a positive integer/.test(error.message));
});

test('a descriptor\'s runtime.threadsPerSession must be a positive integer; the message names the file', () => {
  const raw = JSON.parse(JSON.stringify({ ...loadDescriptor(BODY25_PATH) })) as Record<string, unknown>;
  // parseDescriptor reads the on-disk shape: keypoint names at the top level.
  const onDisk = { ...raw, keypointFormat: 'body25', keypoints: (raw.keypointFormat as { keypoints: string[] }).keypoints, descriptorVersion: 1 };
  assert.equal(parseDescriptor({ ...onDisk, runtime: { threadsPerSession: 2 } }, '/models/x.json').threadsPerSession, 2);
  assert.equal(parseDescriptor(onDisk, '/models/x.json').threadsPerSession, undefined);
  for (const runtime of [{ threadsPerSession: 0 }, { threadsPerSession: 'two' }, { threadsPerSession: 1.5 }, 'fast']) {
    assert.throws(() => parseDescriptor({ ...onDisk, runtime }, '/models/x.json'), (error: unknown) => error instanceof BadInputFileError && error.path === '/models/x.json' && /threadsPerSession|runtime/.test(error.message));
  }
});

test('a pool of sessions answers every batch with its own maps, in the order asked, and shares the returned input tensors', async () => {
  const descriptor = loadDescriptor(BODY25_PATH);
  const modelPath = join(dir, 'body25.onnx');
  // Channel c of an image reads 1000·c + (the image's value): every answer is checkable exactly.
  writeFileSync(modelPath, buildConvModel({ inputName: 'image', stride: 8, outputs: [{ name: 'net_output', channels: 78, bias: (c) => 1000 * c }] }));
  const pool = await openPoseWorkers(descriptor, modelPath, { sessions: 3, threadsPerSession: 1 });
  try {
    assert.equal(pool.parallelRuns, 3);
    const width = 16;
    const height = 16;
    const values = 3 * width * height;
    const inputs = Array.from({ length: 7 }, (_, n) => pool.inputTensor(values).fill(n + 0.5));
    // All issued before any resolves, as label-video.ts does: they spread over the three sessions.
    const answers = await Promise.all(inputs.map((input) => pool.run(input, 1, height, width)));
    answers.forEach((maps, n) => {
      assert.equal(maps[0]!.heatmaps[0], n + 0.5, `batch ${n} got its own heatmaps`);
      assert.equal(maps[0]!.pafs[0], 26_000 + n + 0.5, `batch ${n} got its own PAFs`);
    });
    // Tensors came back from every session into one pool: the next ones hold earlier batches' values.
    const reused = Array.from({ length: 3 }, () => pool.inputTensor(values)[0]);
    assert.ok(reused.every((value) => value !== undefined && value > 0), `reused tensors, not new ones: ${reused.join(', ')}`);
  } finally {
    await pool.close();
  }
});

test('a pool refuses a model that does not match its descriptor, naming the file', async () => {
  const descriptor = loadDescriptor(BODY25_PATH);
  const modelPath = join(dir, 'wrong-channels.onnx');
  writeFileSync(modelPath, buildConvModel({ inputName: 'image', stride: 8, outputs: [{ name: 'net_output', channels: 77 }] }));
  await assert.rejects(openPoseWorkers(descriptor, modelPath, { sessions: 2, threadsPerSession: 1 }), (error: unknown) => error instanceof ModelMismatchError && error.path === modelPath);
});

test('the shipped fast network gives the same maps, bit for bit, from two one-thread sessions as from one two-thread session', async () => {
  const { descriptor, modelPath } = resolveModelFiles({ quality: 'fast' });
  const pixelFormat = pixelFormatFor(descriptor.input);
  const frames: { data: Buffer; width: number; height: number; pixelFormat: typeof pixelFormat }[] = [];
  for await (const frame of readFrames(projectPath('media', 'S02_tabletennis.mp4'), { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat, fps: 1 })) {
    frames.push({ data: Buffer.from(frame.data), width: frame.width, height: frame.height, pixelFormat });
    if (frames.length === 4) break;
  }
  const batches = [buildInputBatch(frames.slice(0, 2), descriptor.input), buildInputBatch(frames.slice(2), descriptor.input)];
  const single = await openPoseSession(descriptor, modelPath, { intraOpNumThreads: 2 });
  const pool = await openPoseWorkers(descriptor, modelPath, { sessions: 2, threadsPerSession: 1 });
  try {
    const expected: PoseMaps[] = [];
    for (const batch of batches) expected.push(...(await single.run(new Float32Array(batch.data), batch.batch, batch.height, batch.width)));
    const pooled = (await Promise.all(batches.map((batch) => pool.run(new Float32Array(batch.data), batch.batch, batch.height, batch.width)))).flat();
    assert.equal(pooled.length, 4);
    pooled.forEach((maps, i) => {
      assert.deepEqual(maps.heatmaps, expected[i]!.heatmaps, `frame ${i} heatmaps`);
      assert.deepEqual(maps.pafs, expected[i]!.pafs, `frame ${i} PAFs`);
    });
    assert.ok(Math.max(...pooled[3]!.heatmaps.subarray(0, pooled[3]!.width * pooled[3]!.height)) > 0.3, 'a real frame: the nose channel has a confident peak');
  } finally {
    await Promise.all([single.close(), pool.close()]);
  }
});
