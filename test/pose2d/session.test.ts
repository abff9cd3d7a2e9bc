import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadInputFileError, ModelMismatchError, UsageError } from '../../src/errors.js';
import { OPENPOSE_DECODE_DEFAULTS, resolveDecodeOptions } from '../../src/pose2d/decode-options.js';
import { resolveModelFiles } from '../../src/pose2d/model-files.js';
import { loadDescriptor, parseDescriptor } from '../../src/pose2d/descriptor.js';
import { buildInputBatch } from '../../src/pose2d/preprocess.js';
import { openPoseSession } from '../../src/pose2d/session.js';
import { openWorkerPoseSession } from '../../src/pose2d/worker-session.js';
import { projectPath } from '../../src/util/project-root.js';
import { tempDir } from '../helpers/temp-dir.js';
import { buildConvModel } from './onnx-builder.js';

const BODY25_PATH = projectPath('models', 'descriptors', 'openpose_body25.json');
const dir = tempDir('hmmr-pose2d-session-');

function writeModel(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A BODY_25-shaped export: input "image", one output "net_output" of 26 heatmap + 52 PAF channels, stride 8. */
function body25Model(overrides: { channels?: number; stride?: number; inputName?: string; outputName?: string } = {}): Uint8Array {
  return buildConvModel({
    inputName: overrides.inputName ?? 'image',
    stride: overrides.stride ?? 8,
    // Channel c of image n reads 1000·c + (image pixel value): views are checkable exactly.
    outputs: [{ name: overrides.outputName ?? 'net_output', channels: overrides.channels ?? 78, bias: (c) => 1000 * c }],
  });
}

test('the BODY_25 descriptor loads: 25 keypoints, 26 limbs, two fill-only, feet not counted, (x - 128)/256 input', () => {
  const descriptor = loadDescriptor(BODY25_PATH);
  assert.equal(descriptor.keypointFormat.name, 'body25');
  assert.equal(descriptor.keypointFormat.keypoints.length, 25);
  assert.equal(descriptor.limbs.length, 26);
  assert.deepEqual(descriptor.limbs.filter((l) => !l.useForGrouping).map((l) => l.parts), [[2, 17], [5, 18]]);
  assert.deepEqual(descriptor.keypointsNotCountedForPerson, [19, 20, 21, 22, 23, 24]);
  const pafChannels = new Set(descriptor.limbs.flatMap((l) => l.paf));
  assert.equal(pafChannels.size, 52, 'every PAF channel used exactly once');
  assert.equal((255 - descriptor.input.mean[0]) * descriptor.input.scale, 255 / 256 - 0.5);
});

test('a generated BODY_25 ONNX model opens with the descriptor and its batch output is split per image', async () => {
  const descriptor = loadDescriptor(BODY25_PATH);
  const session = await openPoseSession(descriptor, writeModel('body25.onnx', body25Model()), { intraOpNumThreads: 1 });
  try {
    assert.match(session.modelSha256, /^[0-9a-f]{64}$/);
    const width = 44;
    const height = 30;
    // BGR frames of constant value: image n has pixel value 128 + 64·n, i.e. network value 0.25·n.
    const frames = [0, 1].map((n) => ({ data: new Uint8Array(width * height * 3).fill(128 + 64 * n), width, height, pixelFormat: 'bgr24' as const }));
    const batch = buildInputBatch(frames, descriptor.input);
    const maps = await session.run(batch.data, batch.batch, batch.height, batch.width);
    assert.equal(maps.length, 2);
    for (const [n, frame] of maps.entries()) {
      assert.equal(frame.width, 6);
      assert.equal(frame.height, 4);
      assert.equal(frame.heatmaps.length, 26 * 24);
      assert.equal(frame.pafs.length, 52 * 24);
      assert.equal(frame.heatmaps[0], 0.25 * n);
      assert.equal(frame.heatmaps[25 * 24 + 5], 25_000 + 0.25 * n, 'background channel');
      assert.equal(frame.pafs[0], 26_000 + 0.25 * n, 'PAFs start at channel 26 of net_output');
      assert.equal(frame.pafs[51 * 24 + 23], 77_000 + 0.25 * n);
    }
  } finally {
    await session.close();
  }
});

test('a worker session runs batches queued back to back in order, and hands each input tensor back for a later batch', async () => {
  const descriptor = loadDescriptor(BODY25_PATH);
  const session = await openWorkerPoseSession(descriptor, writeModel('body25-worker.onnx', body25Model()), { intraOpNumThreads: 1 });
  try {
    const width = 16;
    const height = 16;
    const values = 3 * width * height;
    // Network value v everywhere: heatmap channel 0 is v, channel c is 1000·c + v (body25Model).
    const first = session.inputTensor(values).fill(0.25);
    const second = session.inputTensor(values).fill(0.75);
    // Both issued before either resolves, as label-video.ts does.
    const [a, b] = await Promise.all([session.run(first, 1, height, width), session.run(second, 1, height, width)]);
    assert.equal(a[0]!.heatmaps[0], 0.25);
    assert.equal(b[0]!.heatmaps[0], 0.75);
    assert.equal(b[0]!.pafs[0], 26_000.75);
    assert.equal(first.length, 0, 'run() moved the input to the worker');

    // The moved tensors came back: the next ones of that size hold what was written into them, not zeros.
    const reused = [session.inputTensor(values), session.inputTensor(values)];
    assert.deepEqual(reused.map((tensor) => tensor[0]).sort(), [0.25, 0.75]);
    assert.equal(session.inputTensor(values)[0], 0, 'a third is new: only two were handed back');
    assert.equal(session.inputTensor(values + 3).length, values + 3);
    // Rewritten, a reused tensor gives the maps of its new contents.
    const [again] = await session.run(reused[0]!.fill(0.5), 1, height, width);
    assert.equal(again!.heatmaps[3], 0.5);
    assert.equal(again!.heatmaps[4], 1000.5);
  } finally {
    await session.close();
  }
});

test('models that do not match the descriptor fail before any frame, naming the model file', async () => {
  const descriptor = loadDescriptor(BODY25_PATH);
  const cases: [string, Uint8Array, RegExp][] = [
    ['two-outputs.onnx', buildConvModel({ inputName: 'image', stride: 8, outputs: [{ name: 'heatmaps', channels: 19 }, { name: 'pafs', channels: 38 }] }), /no output "net_output".*heatmaps.*pafs/],
    ['77-channels.onnx', body25Model({ channels: 77 }), /"net_output" has 77 channels, the descriptor needs 78/],
    ['wrong-input.onnx', body25Model({ inputName: 'data' }), /no input "image".*"data"/],
    ['stride-4.onnx', body25Model({ stride: 4 }), /not stride 8/],
    ['garbage.onnx', new TextEncoder().encode('this is not a protobuf model at all'.repeat(10)), /not a loadable ONNX model/],
  ];
  for (const [name, bytes, reason] of cases) {
    const path = writeModel(name, bytes);
    await assert.rejects(openPoseSession(descriptor, path, { intraOpNumThreads: 1 }), (error: unknown) => {
      assert.ok(error instanceof ModelMismatchError, `${name}: ${String(error)}`);
      assert.equal(error.path, path);
      assert.match(error.reason, reason, name);
      return true;
    });
  }
  await assert.rejects(openPoseSession(descriptor, join(dir, 'absent.onnx')), (error: unknown) => error instanceof ModelMismatchError && /not found/.test(error.reason));
});

test("a descriptor's own model file is checked against its sha256", async () => {
  const model = writeModel('own.onnx', body25Model());
  const raw = JSON.parse(readFileSync(BODY25_PATH, 'utf8')) as { model: { file: string | null; sha256: string | null } };
  raw.model.file = 'own.onnx';
  raw.model.sha256 = '0'.repeat(64);
  const descriptorPath = join(dir, 'own.json');
  writeFileSync(descriptorPath, JSON.stringify(raw));
  await assert.rejects(openPoseSession(loadDescriptor(descriptorPath), model), (error: unknown) => {
    return error instanceof ModelMismatchError && error.path === model && /sha256 .* differs/.test(error.reason);
  });
  // The same bytes under another name, passed explicitly, are not held to that descriptor's checksum.
  const other = join(dir, 'other.onnx');
  copyFileSync(model, other);
  const session = await openPoseSession(loadDescriptor(descriptorPath), other, { intraOpNumThreads: 1 });
  await session.close();
});

test('--quality names the shipped models; their descriptors carry their decoding defaults; --quality with --model is refused', () => {
  const fast = resolveModelFiles({ quality: 'fast' });
  const accurate = resolveModelFiles({ quality: 'accurate' });
  assert.equal(fast.descriptor.name, 'tfpose_mobilenet_v2_small');
  assert.equal(accurate.descriptor.name, 'human_pose_estimation_0001');
  assert.equal(accurate.modelPath, projectPath('models', 'human_pose_estimation_0001.onnx'));
  // Open Model Zoo's grouping for this model (10 samples, > 80 %, table order) with OpenPose's thresholds (docs/pose2d.md).
  assert.deepEqual(resolveDecodeOptions(accurate.descriptor.decode), { ...OPENPOSE_DECODE_DEFAULTS, assemblyOrder: 'limb-table' });
  assert.ok(accurate.descriptor.limbs.every((limb) => limb.useForGrouping), 'all 19 limbs group people, as Open Model Zoo does');
  assert.equal(resolveDecodeOptions(fast.descriptor.decode, { pafSamples: 0 }).pafSamples, 0, 'overrides win over the descriptor');
  assert.throws(() => resolveModelFiles({ quality: 'accurate', model: fast.modelPath }), (error: unknown) => error instanceof UsageError && /--quality/.test(error.reason));
});

test('malformed descriptors are BadInputFileError with the reason', () => {
  const base = JSON.parse(readFileSync(BODY25_PATH, 'utf8')) as Record<string, unknown>;
  const broken: [Record<string, unknown>, RegExp][] = [
    [{ ...base, descriptorVersion: 2 }, /descriptorVersion 2/],
    [{ ...base, stride: 'eight' }, /"stride" must be a number/],
    [{ ...base, limbs: [{ parts: [1, 25], paf: [0, 1] }] }, /limbs\[0\]\.parts/],
    [{ ...base, limbs: [{ parts: [1, 8], paf: [0, 52] }] }, /limbs\[0\]\.paf/],
    [{ ...base, heatmaps: { output: 'net_output', firstChannel: 0, channels: 25, backgroundChannel: 24 } }, /25 keypoints \+ background need 26/],
    [{ ...base, pafs: { output: 'net_output', firstChannel: 20, channels: 52 } }, /overlap/],
    [{ ...base, input: { ...(base.input as object), channelOrder: 'GRB' } }, /channelOrder/],
    [{ ...base, decode: { pafSamplez: 10 } }, /unknown decode option "pafSamplez"/],
    [{ ...base, decode: { heatmapUpsample: 0 } }, /"heatmapUpsample" must be at least 1/],
    [{ ...base, decode: { assemblyOrder: 'random' } }, /"assemblyOrder" must be one of strongest-first, limb-table/],
    [{ ...base, decode: { pafMinAboveFraction: 1 } }, /"pafMinAboveFraction" must be below 1/],
  ];
  for (const [raw, reason] of broken) {
    assert.throws(() => parseDescriptor(raw, '/x/descriptor.json'), (error: unknown) => error instanceof BadInputFileError && error.path === '/x/descriptor.json' && reason.test(error.reason));
  }
  const badJson = join(dir, 'bad.json');
  writeFileSync(badJson, '{ "name": ');
  assert.throws(() => loadDescriptor(badJson), (error: unknown) => error instanceof BadInputFileError && /not valid JSON/.test(error.reason));
  assert.throws(() => loadDescriptor(join(dir, 'missing.json')), (error: unknown) => error instanceof BadInputFileError && /not found/.test(error.reason));
});
