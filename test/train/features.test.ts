import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HMMR25_NAMES } from '../../src/body/joint-sets.js';
import type { TubeFrame } from '../../src/domain.js';
import type { SequenceFeatures } from '../../src/train/data/sequence.js';
import { extractFeatures, FeatureCache } from '../../src/train/features/cache.js';
import { writeCrop } from '../../src/train/features/crop.js';
import type { FeatureExtractor, FeatureInput } from '../../src/train/features/extractor.js';
import { keypointFeatures } from '../../src/train/features/keypoint-features.js';
import { OnnxBackboneExtractor } from '../../src/train/features/onnx-backbone.js';
import { readFrames } from '../../src/video/frame-source.js';
import { makeVideo } from '../helpers/make-video.js';
import { tempDir } from '../helpers/temp-dir.js';
import { buildConvModel } from '../pose2d/onnx-builder.js';

const CROP_PIXELS = 224 * 224;

test('crops sample the frame around the crop centre, mirrored on request, black outside', () => {
  // A 2×1 frame: white left pixel, black right pixel; 224 crop pixels span the 2 frame pixels.
  const frame = { data: Uint8Array.of(255, 255, 255, 0, 0, 0), width: 2, height: 1 };
  const out = new Float32Array(2 * 3 * CROP_PIXELS);
  writeCrop(frame, { centerX: 1, centerY: 0.5, scale: 112 }, false, out, 0);
  writeCrop(frame, { centerX: 1, centerY: 0.5, scale: 112 }, true, out, 1);
  const at = (image: number, u: number, v: number) => out[image * 3 * CROP_PIXELS + v * 224 + u]!;
  assert.ok(at(0, 56, 112) > 0.98 && at(0, 168, 112) < -0.98, 'left white, right black');
  assert.ok(at(1, 56, 112) < -0.98 && at(1, 168, 112) > 0.98, 'mirrored');
  assert.ok(at(0, 56, 0) < -0.98, 'above the frame is black');
});

test('keypoint features: confident points only, mirrored = x negated and left/right swapped', () => {
  const keypoints = new Float32Array(25 * 3);
  const leftWrist = HMMR25_NAMES.indexOf('left_wrist');
  const rightWrist = HMMR25_NAMES.indexOf('right_wrist');
  keypoints.set([0.5, 0.2, 0.9], leftWrist * 3);
  keypoints.set([0.1, 0.1, 0.05], rightWrist * 3);
  const features = keypointFeatures(keypoints, 1, 0.1);
  assert.deepEqual(Array.from(features.original.subarray(leftWrist * 3, leftWrist * 3 + 3)), [0.5, 0.2, 0.9].map(Math.fround));
  assert.deepEqual(Array.from(features.original.subarray(rightWrist * 3, rightWrist * 3 + 3)), [0, 0, 0]);
  assert.deepEqual(Array.from(features.mirrored.subarray(rightWrist * 3, rightWrist * 3 + 3)), [-0.5, 0.2, 0.9].map(Math.fround));
});

test('an ONNX backbone gives the pooled output of each tube crop, for the frames of the tube', async () => {
  const dir = tempDir();
  const video = makeVideo(join(dir, 'clip.mkv'), { width: 64, height: 48, frames: 6, codec: 'ffv1' });
  const modelPath = join(dir, 'backbone.onnx');
  // Output channel c copies input channel c (plus 10·c), so average pooling gives the crop's mean colour.
  writeFileSync(modelPath, buildConvModel({ inputName: 'image', stride: 1, outputs: [{ name: 'features', channels: 3, weights: (c, i) => (c === i ? 1 : 0), bias: (c) => 10 * c }] }));
  const extractor = await OnnxBackboneExtractor.open(modelPath);
  try {
    assert.equal(extractor.dims, 3);
    assert.deepEqual(Array.from(extractor.blank()), [-1, 9, 19]);
    const crop = { centerX: 32, centerY: 24, scale: 224 / 64 };
    const frames: TubeFrame[] = [2, 3, 4].map((frameIndex) => ({ frameIndex, keypoints: new Float32Array(0), box: { x: 0, y: 0, width: 64, height: 48 }, crop }));
    const features = await extractor.extract({ tubeId: '1', videoPath: video, frames, keypoints: new Float32Array(3 * 75) });
    // Expected: the same crops, averaged here.
    const expected: number[] = [];
    for await (const frame of readFrames(video, { pixelFormat: 'rgb24' })) {
      if (frame.index < 2 || frame.index > 4) continue;
      const pixels = new Float32Array(3 * CROP_PIXELS);
      writeCrop({ data: frame.data, width: frame.width, height: frame.height }, crop, false, pixels, 0);
      for (let c = 0; c < 3; c++) expected.push(pixels.subarray(c * CROP_PIXELS, (c + 1) * CROP_PIXELS).reduce((a, b) => a + b, 0) / CROP_PIXELS + 10 * c);
    }
    features.original.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-3, `feature ${i}: ${value} vs ${expected[i]}`));
    // A mean over the crop does not change under a horizontal flip.
    features.mirrored.forEach((value, i) => assert.ok(Math.abs(value - features.original[i]!) < 1e-3));
    assert.notDeepEqual(Array.from(features.original.subarray(0, 3)), Array.from(features.original.subarray(6, 9)), 'frames differ');
  } finally {
    await extractor.close();
  }
});

test('the feature cache computes once, then reads; a damaged file is recomputed', async () => {
  let calls = 0;
  const extractor: FeatureExtractor = {
    id: 'fake',
    sha: 'v1',
    dims: 2,
    cacheable: true,
    extract: async (input: FeatureInput): Promise<SequenceFeatures> => {
      calls++;
      return { dims: 2, original: Float32Array.from({ length: input.frames.length * 2 }, (_, i) => i), mirrored: Float32Array.from({ length: input.frames.length * 2 }, (_, i) => -i) };
    },
    blank: () => new Float32Array(2),
    close: async () => {},
  };
  const cache = new FeatureCache(tempDir());
  const frames = [0, 1, 2].map((frameIndex) => ({ frameIndex, keypoints: new Float32Array(0), box: { x: 0, y: 0, width: 1, height: 1 }, crop: { centerX: 0, centerY: 0, scale: 1 } }));
  const input = { tubeId: '7', frames, keypoints: new Float32Array(0) };
  const first = await extractFeatures(extractor, input, cache);
  const second = await extractFeatures(extractor, input, cache);
  assert.equal(calls, 1);
  assert.deepEqual(second, first);
  writeFileSync(join(cache.dir, `${cache.key(extractor, input)}.f32`), 'truncated');
  await extractFeatures(extractor, input, cache);
  assert.equal(calls, 2);
  // Another crop is another key.
  await extractFeatures(extractor, { ...input, frames: frames.map((f) => ({ ...f, crop: { ...f.crop, scale: 2 } })) }, cache);
  assert.equal(calls, 3);
});
