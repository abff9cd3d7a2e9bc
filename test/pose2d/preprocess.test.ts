import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InputSpec } from '../../src/pose2d/descriptor.js';
import { normalisationTables, writeFrameTensor } from '../../src/pose2d/preprocess.js';

// A 2×2 rgb24 frame; pixel p holds (r, g, b) = (10p + 1, 10p + 2, 10p + 3), rows top to bottom.
const rgbFrame = { data: Uint8Array.of(1, 2, 3, 11, 12, 13, 21, 22, 23, 31, 32, 33), width: 2, height: 2, pixelFormat: 'rgb24' as const };
const bgrNetwork: InputSpec = { name: 'image', layout: 'NCHW', channelOrder: 'BGR', mean: [1, 2, 3], scale: 0.5, defaultHeight: 368 };

test('an rgb24 frame into a BGR network: planes B, G, R, each (byte − mean[channel]) × scale, in slot `index`', () => {
  const out = new Float32Array(2 * 12).fill(-7);
  writeFrameTensor(rgbFrame, bgrNetwork, normalisationTables(bgrNetwork), out, 1);
  assert.deepEqual([...out.subarray(0, 12)], new Array(12).fill(-7), 'slot 0 untouched');
  // Network channel 0 is blue (byte 2), mean 1; channel 1 green, mean 2; channel 2 red (byte 0), mean 3.
  assert.deepEqual([...out.subarray(12)], [
    1, 6, 11, 16, // (3 − 1)/2, (13 − 1)/2, (23 − 1)/2, (33 − 1)/2
    0, 5, 10, 15, // (2 − 2)/2 ...
    -1, 4, 9, 14, // (1 − 3)/2 ...
  ]);
});

test('the same frame mirrored: each row reversed, the planes as before', () => {
  const out = new Float32Array(12);
  writeFrameTensor(rgbFrame, bgrNetwork, normalisationTables(bgrNetwork), out, 0, true);
  assert.deepEqual([...out], [6, 1, 16, 11, 5, 0, 15, 10, 4, -1, 14, 9]);
});

test('a bgr24 frame into an RGB network gets the same swap; into a BGR network none', () => {
  const bgrFrame = { ...rgbFrame, pixelFormat: 'bgr24' as const };
  const rgbNetwork: InputSpec = { ...bgrNetwork, channelOrder: 'RGB', mean: [0, 0, 0], scale: 1 };
  const swapped = new Float32Array(12);
  writeFrameTensor(bgrFrame, rgbNetwork, normalisationTables(rgbNetwork), swapped, 0);
  // The frame's bytes are (b, g, r) here, so red is byte 2.
  assert.deepEqual([...swapped], [3, 13, 23, 33, 2, 12, 22, 32, 1, 11, 21, 31]);
  const plain = new Float32Array(12);
  writeFrameTensor(bgrFrame, { ...rgbNetwork, channelOrder: 'BGR' }, normalisationTables(rgbNetwork), plain, 0);
  assert.deepEqual([...plain], [1, 11, 21, 31, 2, 12, 22, 32, 3, 13, 23, 33]);
});
