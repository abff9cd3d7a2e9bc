import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { KeypointFormat } from '../../src/domain.js';
import { BadInputFileError } from '../../src/errors.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { projectPath } from '../../src/util/project-root.js';
import { cocoKeypointsDocument } from '../../src/tracker/formats/coco.js';
import { shortestFloat32 } from '../../src/tracker/formats/json-numbers.js';
import { openPoseFileName, openPoseFrameJson } from '../../src/pose2d/export-openpose.js';
import { readOpenPoseFolder } from '../../src/tracker/formats/openpose.js';
import { poseTrackDocument } from '../../src/tracker/formats/posetrack.js';

const coco18 = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat;
const body25 = loadDescriptor(projectPath('models', 'descriptors', 'openpose_body25.json')).keypointFormat;
const formats: KeypointFormat[] = [coco18, body25];
const video = { name: 'clip', width: 640, height: 480, frameCount: 50, fps: 25 };

const scratch = mkdtempSync(join(tmpdir(), 'hmmr-formats-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folderCount = 0;

/** A folder of OpenPose files; `files` maps file name → text. */
function folder(files: Record<string, string>): string {
  const dir = join(scratch, `f${folderCount++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function personValues(count: number, seed: number): number[] {
  return Array.from({ length: 3 * count }, (_, i) => (i % 3 === 2 ? ((i + seed) % 4 === 0 ? 0 : 0.1 + ((i * 7 + seed) % 9) / 10) : 10 + i * 3.7 + seed));
}

const frameText = (...people: number[][]) => JSON.stringify({ version: 1.3, people: people.map((p) => ({ person_id: [-1], pose_keypoints_2d: p })) });

test('reads COCO-18 and BODY_25 folders, telling the formats apart by length', () => {
  const coco = readOpenPoseFolder(folder({ [openPoseFileName('clip', 3)]: frameText(personValues(18, 1), personValues(18, 2)), [openPoseFileName('clip', 0)]: frameText() }), { formats, fps: 25, frameCount: 50 });
  assert.equal(coco.format.name, 'coco18');
  assert.equal(coco.name, 'clip');
  assert.deepEqual(coco.frames.map((f) => [f.frameIndex, f.people.length, f.timeSec]), [[0, 0, 0], [3, 2, 0.12]]);
  const person = coco.frames[1]!.people[0]!;
  for (let i = 0; i < person.keypoints.length; i += 3) {
    if (person.keypoints[i + 2] === 0) assert.deepEqual([person.keypoints[i], person.keypoints[i + 1]], [0, 0], 'undetected points sit at 0, 0');
  }
  assert.equal(person.partCount, person.keypoints.filter((v, i) => i % 3 === 2 && v > 0).length);

  const body = readOpenPoseFolder(folder({ [openPoseFileName('walk', 7)]: frameText(personValues(25, 3)) }), { formats, fps: 30, frameCount: 50 });
  assert.equal(body.format.name, 'body25');
});

test('hmmr\'s OpenPose export reads back to the same Float32 keypoints', () => {
  const original = readOpenPoseFolder(folder({ [openPoseFileName('clip', 4)]: frameText(personValues(18, 5), personValues(18, 6)) }), { formats, fps: 25, frameCount: 50 });
  const again = readOpenPoseFolder(folder({ [openPoseFileName('clip', 4)]: JSON.stringify(openPoseFrameJson(original.frames[0]!)) }), { formats, fps: 25, frameCount: 50 });
  assert.deepEqual(again.frames, original.frames);
});

test('bad folders fail naming the offending file and return nothing', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['malformed JSON', { [openPoseFileName('clip', 1)]: frameText(), [openPoseFileName('clip', 2)]: '{"people": [' }, /not valid JSON/],
    ['wrong count', { [openPoseFileName('clip', 2)]: frameText(personValues(17, 1)) }, /51 pose_keypoints_2d values; expected 54 \(coco18\) or 75 \(body25\)/],
    ['beyond the video', { [openPoseFileName('clip', 50)]: frameText(personValues(18, 1)) }, /frame 50 is beyond the video's 50 frames/],
    ['mixed formats', { [openPoseFileName('clip', 1)]: frameText(personValues(18, 1)), [openPoseFileName('clip', 2)]: frameText(personValues(25, 1)) }, /body25 keypoints but earlier files hold coco18/],
    ['two videos', { [openPoseFileName('a', 1)]: frameText(), [openPoseFileName('b', 2)]: frameText() }, /import one video's files at a time/],
    ['no people array', { [openPoseFileName('clip', 1)]: '{"version": 1.3}' }, /no "people" array/],
    ['bad name', { 'clip_12_keypoints.json': frameText() }, /12-digit frame/],
  ];
  for (const [label, files, reason] of cases) {
    const dir = folder(files);
    assert.throws(
      () => readOpenPoseFolder(dir, { formats, fps: 25, frameCount: 50 }),
      (error: unknown) => {
        assert.ok(error instanceof BadInputFileError, label);
        assert.match(error.reason, reason, label);
        assert.ok(error.path?.startsWith(dir) && error.path.endsWith('.json'), `${label}: names the file, got ${error.path}`);
        return true;
      },
    );
  }
  assert.throws(() => readOpenPoseFolder(folder({}), { formats, fps: 25, frameCount: 50 }), /no OpenPose/);
});

test('shortestFloat32 writes short decimals that read back to the same Float32', () => {
  assert.equal(shortestFloat32(Math.fround(0.1)), 0.1);
  assert.equal(shortestFloat32(Math.fround(123.456)), 123.456);
  for (const value of [Math.fround(1 / 3), Math.fround(1e-7), Math.fround(98765.4321), 0, 7]) {
    assert.equal(Math.fround(Number(JSON.stringify(shortestFloat32(value)))), value);
  }
});

test('COCO and PoseTrack writers map keypoints by name onto their 17-point layouts', () => {
  const keypoints = new Float32Array(3 * 18);
  const set = (name: string, x: number, y: number, c: number) => keypoints.set([x, y, c], 3 * coco18.keypoints.indexOf(name));
  set('nose', 100, 50, 0.9);
  set('neck', 100, 80, 0.8);
  set('left_ankle', 120, 300, 0.5);
  set('right_eye', 95, 45, 0.7);
  const pose = { frameIndex: 4, keypoints, score: 0.75, trackId: 3 };

  const coco = cocoKeypointsDocument(video, coco18, [3, 4], [pose]) as {
    images: { id: number; file_name: string }[];
    annotations: { image_id: number; keypoints: number[]; num_keypoints: number; bbox: number[]; track_id: number }[];
    categories: { keypoints: string[] }[];
  };
  assert.deepEqual(coco.images.map((i) => [i.id, i.file_name]), [[3, 'clip/000003.jpg'], [4, 'clip/000004.jpg']]);
  const [annotation] = coco.annotations;
  assert.equal(annotation!.image_id, 4);
  assert.equal(annotation!.track_id, 3);
  assert.equal(annotation!.keypoints.length, 51);
  assert.deepEqual(annotation!.keypoints.slice(0, 3), [100, 50, 2], 'nose first, visibility 2');
  assert.deepEqual(annotation!.keypoints.slice(6, 9), [95, 45, 2], 'right_eye third');
  assert.deepEqual(annotation!.keypoints.slice(45, 48), [120, 300, 2], 'left_ankle 16th');
  assert.equal(annotation!.num_keypoints, 3, 'the neck has no COCO slot');
  assert.deepEqual(annotation!.bbox, [95, 45, 25, 255]);

  const posetrack = poseTrackDocument(video, coco18, [4], [pose]) as {
    images: { frame_id: number; vid_id: string; nframes: number }[];
    annotations: { image_id: number; track_id: number; keypoints: number[]; scores: number[] }[];
  };
  assert.deepEqual(posetrack.images, [{ id: 4, frame_id: 4, file_name: 'clip/000004.jpg', vid_id: 'clip', nframes: 50, is_labeled: true }]);
  const [tracked] = posetrack.annotations;
  assert.equal(tracked!.track_id, 3);
  assert.deepEqual(tracked!.keypoints.slice(3, 6), [100, 80, 1], 'head_bottom is the neck');
  assert.deepEqual(tracked!.keypoints.slice(6, 9), [0, 0, 0], 'head_top is never detected');
  assert.equal(tracked!.scores[0], shortestFloat32(0.9));
});
