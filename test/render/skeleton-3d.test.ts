import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { KEYPOINT_SETS } from '../../src/body/joint-sets.js';
import type { KeypointFormat } from '../../src/domain.js';
import type { RgbImage } from '../../src/render/raster.js';
import { renderVideoWith3dPanels } from '../../src/render/render-with-3d.js';
import { drawSkeletonPanel, LSP_BONES, projectSkeleton } from '../../src/render/skeleton-3d.js';
import { readFrames, type DecodedFrame } from '../../src/video/frame-source.js';
import { ffprobeTruth, makeVideo } from '../helpers/make-video.js';
import { tempDir } from '../helpers/temp-dir.js';

const LSP = KEYPOINT_SETS.lsp14!;

/** A standing figure, y down (camera frame), turned so that its right side is nearer the camera (z −). */
function standing(): Float64Array {
  const place: Record<string, [number, number, number]> = {
    right_ankle: [-0.1, 0.9, -0.05], right_knee: [-0.1, 0.5, -0.05], right_hip: [-0.1, 0, -0.05],
    left_hip: [0.1, 0, 0.05], left_knee: [0.1, 0.5, 0.05], left_ankle: [0.1, 0.9, 0.05],
    right_wrist: [-0.3, 0, -0.1], right_elbow: [-0.25, -0.25, -0.1], right_shoulder: [-0.2, -0.5, -0.1],
    left_shoulder: [0.2, -0.5, 0.1], left_elbow: [0.25, -0.25, 0.1], left_wrist: [0.3, 0, 0.1],
    neck: [0, -0.55, 0], head_top: [0, -0.8, 0],
  };
  return Float64Array.from(LSP.flatMap((name) => place[name]!));
}

const blank = (width: number, height: number): RgbImage => ({ width, height, data: new Uint8Array(width * height * 3) });

test('front view maps x and y, side view maps depth z and y, both pelvis-centred at a fixed scale', () => {
  const joints = standing();
  joints.forEach((_, i) => (joints[i] += [5, -2, 7][i % 3]!)); // anywhere in space: the pelvis is the origin
  const front = projectSkeleton(joints, 'front', 200, 300, 100);
  const side = projectSkeleton(joints, 'side', 200, 300, 100);
  const head = LSP.indexOf('head_top');
  const rightShoulder = LSP.indexOf('right_shoulder');
  const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} vs ${expected}`);
  near(front[head * 2]!, 100, 'head x');
  near(front[head * 2 + 1]!, 300 * 0.45 - 80, 'head y: 0.8 m above the pelvis');
  near(front[rightShoulder * 2]!, 100 - 20, 'front: the right shoulder 0.2 m to the left');
  near(side[rightShoulder * 2]!, 100 - 10, 'side: the right shoulder 0.1 m nearer');
  assert.equal(side[head * 2 + 1], front[head * 2 + 1]);
  assert.equal(LSP_BONES.length, 15);
});

test('a panel shows the skeleton in side colours, clipped to the panel; bad joints leave only the background', () => {
  const panel = blank(120, 200);
  drawSkeletonPanel(panel, standing(), 'front');
  const colours = new Set<string>();
  for (let i = 0; i < panel.data.length; i += 3) colours.add(`${panel.data[i]},${panel.data[i + 1]},${panel.data[i + 2]}`);
  assert.ok(colours.has('240,90,60') && colours.has('60,150,240'), 'right and left limbs have their colours');

  const empty = blank(120, 200);
  const broken = standing();
  broken[4] = NaN;
  drawSkeletonPanel(empty, broken, 'side');
  const background = [...empty.data.subarray(60 * 3, 60 * 3 + 3)];
  const drawn = new Set<string>();
  for (let i = 0; i < empty.data.length; i += 3) drawn.add(`${empty.data[i]},${empty.data[i + 1]},${empty.data[i + 2]}`);
  assert.ok(!drawn.has('240,90,60') && !drawn.has('60,150,240'), 'no limbs for a non-finite skeleton');
  assert.deepEqual(background, [28, 28, 32]);
});

test('the rendered video is the clip plus two panels wide, with a frame per source frame', async () => {
  const dir = tempDir('hmmr-render3d-');
  const source = makeVideo(join(dir, 'clip.mp4'), { width: 64, height: 100, fps: 25, frames: 6 });
  const out = join(dir, 'out.mp4');
  const format: KeypointFormat = { name: 'none', keypoints: [], limbs: [] };
  const written = await renderVideoWith3dPanels(source, out, {
    source: { width: 64, height: 100, fps: 25, fpsNum: 25, fpsDen: 1, frameCount: 6, frameCountExact: true },
    format,
    peopleAt: () => [],
    jointsAt: (frameIndex) => (frameIndex < 3 ? standing() : undefined),
  });
  assert.equal(written, 6);
  const truth = ffprobeTruth(out);
  assert.equal(truth.frames, 6);
  assert.deepEqual([truth.width, truth.height], [64 + 2 * 60, 100]);
  const frames: DecodedFrame[] = [];
  for await (const frame of readFrames(out)) frames.push(frame);
  // The front panel's pelvis row: a hip bone is drawn on frames with joints, nothing on the others.
  const hipRow = Math.round(100 * 0.45);
  const brightIn = (frame: DecodedFrame) => {
    let bright = 0;
    for (let x = 64 + 5; x < 64 + 55; x++) {
      const o = (hipRow * frame.width + x) * 3;
      if (frame.data[o]! + frame.data[o + 1]! + frame.data[o + 2]! > 300) bright++;
    }
    return bright;
  };
  assert.ok(brightIn(frames[0]!) > 0, 'frame 0 shows the 3D skeleton');
  assert.equal(brightIn(frames[5]!), 0, 'frame 5 has no joints, so an empty panel');
});
