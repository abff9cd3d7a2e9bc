import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KeypointFormat } from '../../src/domain.js';
import { trackColor } from '../../src/render/pose-overlay.js';
import { renderOverlayVideo } from '../../src/render/render-overlay.js';
import { readFrames, type DecodedFrame } from '../../src/video/frame-source.js';
import { ffprobeTruth, makeVideo } from '../helpers/make-video.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-render-');
const format: KeypointFormat = { name: 'two-points', keypoints: ['a', 'b'], limbs: [[0, 1]] };

test('the overlay video is playable, has the source frame count, and shows the drawing', async () => {
  const source = makeVideo(join(dir, 'clip.mp4'), { width: 96, height: 54, fps: 25, frames: 12, filter: 'lutrgb=r=0:g=0:b=0' });
  const out = join(dir, 'overlay.mp4');
  const person = { keypoints: Float32Array.from([10, 27, 0.9, 86, 27, 0.9]), trackId: 4 };
  // Height 45 gives an odd width × height (80 × 45): the encoder must pad to even sizes.
  const written = await renderOverlayVideo(source, out, {
    source: { width: 96, height: 54, fps: 25, fpsNum: 25, fpsDen: 1, frameCount: 12, frameCountExact: true },
    format,
    height: 45,
    peopleAt: (frameIndex) => (frameIndex % 2 === 0 ? [person] : []),
  });
  assert.equal(written, 12);
  const truth = ffprobeTruth(out);
  assert.equal(truth.frames, ffprobeTruth(source).frames);
  assert.deepEqual([truth.width, truth.height], [80, 46]);

  const color = trackColor(4);
  const frames: DecodedFrame[] = [];
  for await (const frame of readFrames(out)) frames.push(frame);
  const pixel = (i: number) => {
    const offset = (Math.round(27 * (45 / 54)) * 80 + 40) * 3; // the limb's middle, in output pixels
    return [...frames[i]!.data.subarray(offset, offset + 3)];
  };
  const distance = (a: number[], b: readonly number[]) => a.reduce((sum, v, k) => sum + Math.abs(v - b[k]!), 0);
  assert.ok(distance(pixel(0), color) < 60, `frame 0 shows the limb: ${pixel(0)} vs ${color}`);
  assert.ok(distance(pixel(1), [0, 0, 0]) < 30, `frame 1 has nobody: ${pixel(1)}`);
});
