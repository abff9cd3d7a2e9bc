import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadVideoError } from '../../src/errors.js';
import { readFrames, type DecodedFrame } from '../../src/video/frame-source.js';
import { describeImageSequence, probeImageSequence } from '../../src/video/image-sequence.js';
import { markedPixel, writeMarkedImages, type MarkedImage } from '../helpers/make-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const W = 32;
const H = 24;
/** Image i: grey 20 + 40 i, the white square 4 i px from the left. */
const IMAGES: MarkedImage[] = Array.from({ length: 5 }, (_, i) => ({ background: 20 + 40 * i, square: { x: 4 * i, y: 8 } }));

function pixel(frame: DecodedFrame, x: number, y: number): number[] {
  const o = (y * frame.width + x) * frame.channels;
  return Array.from(frame.data.subarray(o, o + frame.channels));
}

async function collect(path: string, options: Parameters<typeof readFrames>[1] = {}): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of readFrames(path, options)) frames.push(frame);
  return frames;
}

/** Every pixel of the frame equals the image as written (PNG is lossless). */
function assertImage(frame: DecodedFrame, image: MarkedImage): void {
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) assert.deepEqual(pixel(frame, x, y), markedPixel(image, x, y), `frame ${frame.index} at (${x}, ${y})`);
}

test('a folder of numbered PNGs decodes as frames 0…n−1 in number order, pixel for pixel', async () => {
  const dir = tempDir();
  // Numbered from 1 (Penn Action style): image 000001.png is frame 0.
  writeMarkedImages(dir, W, H, IMAGES, (i) => `${String(i + 1).padStart(6, '0')}.png`);
  const sequence = describeImageSequence(dir);
  assert.equal(sequence.firstNumber, 1);
  assert.equal(sequence.pattern, join(dir, '%06d.png'));
  const probe = await probeImageSequence(sequence, 30);
  assert.deepEqual([probe.width, probe.height, probe.frameCount, probe.frameCountExact, probe.fpsNum, probe.fpsDen, probe.container], [W, H, 5, true, 30, 1, 'image2']);

  const frames = await collect(dir, { source: probe });
  assert.deepEqual(frames.map((frame) => frame.index), [0, 1, 2, 3, 4]);
  frames.forEach((frame, i) => {
    assert.deepEqual([frame.width, frame.height], [W, H]);
    assertImage(frame, IMAGES[i]!);
    assert.ok(Math.abs(frame.timeSec - i / 30) < 1e-6, `frame ${i} at ${frame.timeSec} s`);
  });

  // Resuming at frame 3 starts at that image (no decoding from the start); subsampling keeps original indices.
  const resumed = await collect(dir, { source: probe, startFrame: 3 });
  assert.deepEqual(resumed.map((frame) => frame.index), [3, 4]);
  assertImage(resumed[0]!, IMAGES[3]!);
  assert.ok(Math.abs(resumed[0]!.timeSec - 3 / 30) < 1e-6);
  assert.ok(resumed[0]!.sceneScore > 0, 'the resumed first frame is compared with frame 2, as in a full read');
  const everyOther = await collect(dir, { source: { ...probe, fps: 30 }, fps: 15 });
  assert.deepEqual(everyOther.map((frame) => frame.index), [0, 2, 4]);
  assertImage(everyOther[2]!, IMAGES[4]!);

  // Without a stored rate (an onnx feature read) the folder is probed itself; indices are the same.
  const unprobed = await collect(dir, { startFrame: 4 });
  assert.deepEqual(unprobed.map((frame) => frame.index), [4]);
  assertImage(unprobed[0]!, IMAGES[4]!);
});

test('a folder whose name holds % and whose images are JPEG (3DPW naming)', async () => {
  const dir = join(tempDir(), '100%_seq');
  writeMarkedImages(dir, W, H, IMAGES.slice(0, 3), (i) => `image_${String(i).padStart(5, '0')}.jpg`);
  const frames = await collect(dir);
  assert.deepEqual(frames.map((frame) => frame.index), [0, 1, 2]);
  frames.forEach((frame, i) => {
    // JPEG is lossy: the square's centre and a far corner within a few levels.
    const square = pixel(frame, IMAGES[i]!.square.x + 2, 10);
    const corner = pixel(frame, W - 1, H - 1);
    for (const value of square) assert.ok(value > 235, `frame ${i} square ${square}`);
    for (const value of corner) assert.ok(Math.abs(value - IMAGES[i]!.background) <= 6, `frame ${i} corner ${corner}`);
  });
});

test('gaps, mixed names, empty folders and undecodable images are refused, naming folder and image', async () => {
  const gap = tempDir();
  writeMarkedImages(gap, W, H, IMAGES.slice(0, 3), (i) => `${String(i).padStart(4, '0')}.png`);
  renameSync(join(gap, '0002.png'), join(gap, '0003.png'));
  assert.throws(() => describeImageSequence(gap), (error: unknown) => error instanceof BadVideoError && error.path === gap && /jump from 0001\.png to 0003\.png/.test(error.reason));

  const mixed = tempDir();
  writeMarkedImages(mixed, W, H, IMAGES.slice(0, 2), (i) => (i === 0 ? 'a_0.png' : 'b_1.png'));
  assert.throws(() => describeImageSequence(mixed), (error: unknown) => error instanceof BadVideoError && /'b_1\.png' does not follow 'a_0\.png'/.test(error.reason));

  assert.throws(() => describeImageSequence(tempDir()), (error: unknown) => error instanceof BadVideoError && /no images/.test(error.reason));

  const broken = tempDir();
  writeMarkedImages(broken, W, H, IMAGES.slice(0, 4), (i) => `${String(i).padStart(4, '0')}.png`);
  writeFileSync(join(broken, '0002.png'), 'not a png');
  const probe = await probeImageSequence(describeImageSequence(broken), 25);
  const delivered: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const frame of readFrames(broken, { source: probe })) delivered.push(frame.index);
    })(),
    (error: unknown) => error instanceof BadVideoError && error.path === broken && /0002\.png \(frame 2\)/.test(error.reason),
  );
  assert.deepEqual(delivered, [0, 1]);
});
