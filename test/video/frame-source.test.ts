import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadVideoError } from '../../src/errors.js';
import { frameSourceArgs, planRead, readFrames, type DecodedFrame } from '../../src/video/frame-source.js';
import { ffprobeTruth, makeVideo } from '../helpers/make-video.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

async function collect(path: string, options: Parameters<typeof readFrames>[1] = {}): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of readFrames(path, options)) frames.push(frame);
  return frames;
}

test('delivers exactly the frames ffprobe counts, at the requested size with padding', async () => {
  const path = makeVideo(join(dir, 'clip.mp4'), { width: 160, height: 90, fps: 25, frames: 30 });
  const frames = await collect(path, { height: 45, padToMultiple: 8, pixelFormat: 'bgr24' });
  assert.equal(frames.length, ffprobeTruth(path).frames);
  assert.deepEqual(frames.map((f) => f.index), [...Array(30).keys()]);
  for (const frame of frames) {
    assert.equal(frame.contentHeight, 45);
    assert.equal(frame.contentWidth, 80);
    assert.equal(frame.width, 80);
    assert.equal(frame.height, 48);
    assert.equal(frame.data.length, 80 * 48 * 3);
    assert.equal(frame.scale, 0.5);
  }
  assert.ok(Math.abs(frames[10]!.timeSec - 0.4) < 1e-6);
  // Padding rows are black; the content rows are not.
  const lastRow = frames[0]!.data.subarray(47 * 80 * 3);
  assert.ok(lastRow.every((byte) => byte === 0));
});

test('fps subsampling keeps original indices and timestamps', async () => {
  const path = makeVideo(join(dir, 'sub.mp4'), { fps: 30, frames: 30 });
  const frames = await collect(path, { fps: 10 });
  assert.deepEqual(frames.map((f) => f.index), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
  for (const frame of frames) assert.ok(Math.abs(frame.timeSec - frame.index / 30) < 1e-6);
});

test('subsampling keeps a uniform grid: 25 → at most 8 fps is every 4th frame, all 0.16 s apart', async () => {
  const path = makeVideo(join(dir, 'grid.mp4'), { fps: 25, frames: 25 });
  const frames = await collect(path, { fps: 8 });
  assert.deepEqual(frames.map((f) => f.index), [0, 4, 8, 12, 16, 20, 24]);
  frames.slice(1).forEach((frame, i) => assert.ok(Math.abs(frame.timeSec - frames[i]!.timeSec - 0.16) < 1e-6, `gap before frame ${frame.index}`));
});

test('startFrame resumes at an exact index', async () => {
  const path = makeVideo(join(dir, 'resume.mp4'), { frames: 20 });
  const all = await collect(path);
  const tail = await collect(path, { startFrame: 13 });
  assert.deepEqual(tail.map((f) => f.index), [13, 14, 15, 16, 17, 18, 19]);
  assert.deepEqual(tail[0]!.data, all[13]!.data);
});

test('variable frame rate video: timestamps come from the stream, not index / fps', async () => {
  const path = makeVideo(join(dir, 'vfr.mkv'), {
    frames: 12,
    filter: "setpts='(N+floor(N/4)*2)/(25*TB)'",
    extraArgs: ['-vsync', 'vfr'],
  });
  const frames = await collect(path);
  assert.equal(frames.length, 12);
  const gaps = frames.slice(1).map((f, i) => Math.round((f.timeSec - frames[i]!.timeSec) * 25));
  assert.ok(gaps.includes(3), `expected a 3-frame gap among ${gaps.join(',')}`);
});

test('rotation metadata is applied: a 90° video arrives portrait', async () => {
  const path = makeVideo(join(dir, 'rotated.mp4'), { width: 64, height: 48, rotateDeg: 90 });
  const frames = await collect(path);
  assert.equal(frames[0]!.width, 48);
  assert.equal(frames[0]!.height, 64);
});

test('a hard cut scores far above motion', async () => {
  const path = makeVideo(join(dir, 'cut.mp4'), {
    width: 64, height: 48, frames: 20,
    filter: "drawbox=x=0:y=0:w=64:h=48:color=white:t=fill:enable='gte(n,10)'",
  });
  const frames = await collect(path);
  const scores = frames.map((f) => f.sceneScore);
  const cut = scores.indexOf(Math.max(...scores));
  assert.equal(cut, 10);
  const others = scores.filter((_, i) => i !== 10);
  assert.ok(scores[10]! > 5 * Math.max(...others));
});

test('truncated file: every good frame first, then an error naming the frame', async () => {
  const path = makeVideo(join(dir, 'whole.mp4'), { width: 160, height: 120, frames: 50, extraArgs: ['-movflags', '+faststart', '-g', '5'] });
  const bytes = readFileSync(path);
  const cutPath = join(dir, 'cut-short.mp4');
  writeFileSync(cutPath, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const delivered: number[] = [];
  await assert.rejects(
    async () => {
      for await (const frame of readFrames(cutPath)) delivered.push(frame.index);
    },
    (error: unknown) => {
      assert.ok(error instanceof BadVideoError);
      assert.match(error.message, /cut-short\.mp4: decoding stopped at frame \d+ of 50/);
      return true;
    },
  );
  assert.ok(delivered.length > 5 && delivered.length < 50, `delivered ${delivered.length}`);
  assert.deepEqual(delivered, [...Array(delivered.length).keys()]);
});

test('a file that is not a video fails with a clear error', async () => {
  const path = join(dir, 'notes.mp4');
  writeFileSync(path, 'this is a text file\n');
  await assert.rejects(collect(path), (error: unknown) => error instanceof BadVideoError && /notes\.mp4: /.test(error.message));
});

test('stopping early kills ffmpeg and releases the stream', async () => {
  const path = makeVideo(join(dir, 'early.mp4'), { frames: 50 });
  let count = 0;
  for await (const _frame of readFrames(path)) if (++count === 3) break;
  assert.equal(count, 3);
});

test('a resumed read seeks near the first missing frame and equals the tail of a whole read: indices, times, pixels and the scene-cut signal', async () => {
  // Keyframes every 10 frames, a hard cut at frame 30, subsampled 25 → at most 8 fps (every 4th frame).
  const path = makeVideo(join(dir, 'seek.mp4'), {
    width: 96,
    height: 64,
    frames: 60,
    filter: "geq=r='if(gte(N,30),255-X*2,X*2)':g='Y*3+N':b='if(gte(N,30),40,200)'",
    extraArgs: ['-g', '10'],
  });
  const source = { width: 96, height: 64, fps: 25, frameCount: 60, frameCountExact: true, variableFps: false };
  const whole = await collect(path, { fps: 8, source });
  for (const startFrame of [31, 37, 44, 13]) {
    const tail = await collect(path, { fps: 8, startFrame, source });
    const expected = whole.filter((frame) => frame.index >= startFrame);
    assert.deepEqual(tail.map((f) => f.index), expected.map((f) => f.index), `from ${startFrame}`);
    tail.forEach((frame, i) => {
      assert.ok(Math.abs(frame.timeSec - expected[i]!.timeSec) < 1e-6, `from ${startFrame}: time of frame ${frame.index}`);
      assert.equal(frame.sceneScore, expected[i]!.sceneScore, `from ${startFrame}: scene score of frame ${frame.index}`);
      assert.ok(frame.data.equals(expected[i]!.data), `from ${startFrame}: pixels of frame ${frame.index}`);
    });
  }
  // The cut is seen right after a resume point placed just before it.
  const cutScores = (await collect(path, { fps: 8, startFrame: 31, source })).map((f) => f.sceneScore);
  assert.ok(cutScores[0]! > 5 * Math.max(...cutScores.slice(1)), `scores ${cutScores.join(', ')}`);
});

test('resuming a constant-rate video seeks by time (ffmpeg -ss before -i) to half a frame before the reference frame; variable rate decodes from the start', () => {
  const cfr = { width: 96, height: 64, fps: 25, frameCount: 60, frameCountExact: true, variableFps: false };
  const step = 4;
  const plan = planRead(cfr, 37, step);
  // Every 4th frame: …, 32, 36, 40, …: the reference for frame 37 is 36.
  assert.deepEqual(plan, { firstIndex: 36, seekSec: 35.5 / 25, referenceOnly: true });
  const args = frameSourceArgs('/v.mp4', plan, 'x', { width: 96, height: 64, contentWidth: 96, contentHeight: 64, scale: 1 }, 'rgb24');
  assert.ok(args.indexOf('-ss') >= 0 && args.indexOf('-ss') < args.indexOf('-i'), args.join(' '));
  assert.equal(args[args.indexOf('-ss') + 1], '1.420000');
  assert.deepEqual(planRead({ ...cfr, variableFps: true }, 37, step), { firstIndex: 0, seekSec: 0, referenceOnly: false });
  assert.deepEqual(planRead({ ...cfr, variableFps: undefined }, 37, step), { firstIndex: 0, seekSec: 0, referenceOnly: false });
  assert.deepEqual(planRead(cfr, 0, step), { firstIndex: 0, seekSec: 0, referenceOnly: false });
});

test('reuseBuffers: the same pixels and scene scores from two buffers taken in turn (each frame valid until the one after next is read)', async () => {
  const path = makeVideo(join(dir, 'reuse.mp4'), { width: 64, height: 48, fps: 25, frames: 12 });
  const options = { height: 24, padToMultiple: 8, pixelFormat: 'rgb24' as const };
  const fresh = await collect(path, options);
  const reused: { data: Buffer; copy: Buffer; sceneScore: number }[] = [];
  for await (const frame of readFrames(path, { ...options, reuseBuffers: true })) {
    if (reused.length > 0) assert.deepEqual(reused[reused.length - 1]!.data, reused[reused.length - 1]!.copy, 'the previous frame is intact while this one is read');
    reused.push({ data: frame.data, copy: Buffer.from(frame.data), sceneScore: frame.sceneScore });
  }
  assert.equal(reused.length, fresh.length);
  reused.forEach((frame, i) => {
    assert.deepEqual(frame.copy, fresh[i]!.data, `frame ${i}`);
    assert.equal(frame.sceneScore, fresh[i]!.sceneScore);
    if (i >= 2) assert.equal(frame.data, reused[i - 2]!.data, 'two buffers in turn, no allocation per frame');
  });
  assert.ok(reused.some((frame) => frame.sceneScore > 0), 'the clip moves, so the scores are not all 0');
});
