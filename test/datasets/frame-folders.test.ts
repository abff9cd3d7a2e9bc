import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { TubeFrame } from '../../src/domain.js';
import { openDatabase } from '../../src/store/database.js';
import { listLabelRuns, readDetections } from '../../src/store/detections.js';
import { listTubes, loadTubes } from '../../src/store/tubes.js';
import { listVideos } from '../../src/store/videos.js';
import { tubeToSequence } from '../../src/train/data/store-sequences.js';
import { FeatureCache } from '../../src/train/features/cache.js';
import { writeCrop } from '../../src/train/features/crop.js';
import { OnnxBackboneExtractor } from '../../src/train/features/onnx-backbone.js';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';
import { readFrames, type DecodedFrame } from '../../src/video/frame-source.js';
import { projectPath } from '../../src/util/project-root.js';
import { writeMarkedImages } from '../helpers/make-images.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { buildConvModel } from '../pose2d/onnx-builder.js';
import { fixture } from './fixture-paths.js';
import { withStore } from './stored.js';

const CLIP = projectPath('media', 'S02_tabletennis.mp4');
const HEIGHT = 368;
const dir = tempDir('hmmr-frame-folders-');
const db = join(dir, 'hmmr.db');
const penn = join(dir, 'penn');
const clipFolder = join(penn, 'frames', '0001');
/** Frames 0, 12 and 24 of the 24-fps clip at the label height, as RGB: Penn clip 0001's images 000001…000003.png. */
let pictures: DecodedFrame[] = [];

async function cli(args: string[]): Promise<string> {
  const result = await runCli(['--db', db, ...args]);
  assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}`);
  return result.stdout;
}

before(async () => {
  // The label model's own read of the clip (stride-8 padding, as hmmr label asks), content only, kept losslessly as PNG.
  for await (const frame of readFrames(CLIP, { height: HEIGHT, padToMultiple: 8, pixelFormat: 'rgb24', fps: 2 })) {
    if (pictures.length === 3) break;
    pictures.push(frame);
  }
  mkdirSync(clipFolder, { recursive: true });
  pictures = pictures.map((frame, i) => {
    const { contentWidth: w, contentHeight: h } = frame;
    const content = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) frame.data.copy(content, y * w * 3, y * frame.width * 3, y * frame.width * 3 + w * 3);
    execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-i', 'pipe:0',
      '-frames:v', '1', '-f', 'image2', '-update', '1', join(clipFolder, `${String(i + 1).padStart(6, '0')}.png`)], { input: content });
    return { ...frame, width: w, height: h, data: content };
  });
  mkdirSync(join(penn, 'labels'));
  copyFileSync(fixture('pennaction', 'labels', '0001.mat'), join(penn, 'labels', '0001.mat'));
  await cli(['import', 'pennaction', penn]);
});

test('import registers a sequence\'s image folder as its tubes\' video', () => {
  withStore(db, (store) => {
    const [video, ...others] = listVideos(store);
    assert.equal(others.length, 0);
    assert.equal(video!.path, clipFolder);
    assert.deepEqual([video!.container, video!.frameCount, video!.frameCountExact, video!.fps, video!.width, video!.height], ['image2', 3, true, 30, pictures[0]!.width, HEIGHT]);
    const [tube] = listTubes(store);
    assert.equal(tube!.name, 'pennaction/0001/person0');
    assert.equal(tube!.videoId, video!.id);
  });
});

test('hmmr label on an image folder finds what it finds on the same frames of the video', async () => {
  await cli(['ingest', CLIP]);
  const label = ['label', '--quality', 'fast', '--input-height', String(HEIGHT)];
  await cli([...label, '--video', clipFolder]);
  await cli([...label, '--video', CLIP, '--fps', '2']);
  withStore(db, (store) => {
    const [folder, clip] = listVideos(store);
    const detections = (videoId: number) => readDetections(store, listLabelRuns(store, { videoId, status: 'done' })[0]!.id);
    const fromFolder = detections(folder!.id);
    const fromClip = detections(clip!.id).slice(0, 3);
    assert.deepEqual(fromFolder.map((frame) => frame.frameIndex), [0, 1, 2]);
    assert.ok(fromFolder.every((frame) => frame.people.length > 0), 'the player is found on every image');
    // The network saw the same pixels: the same people with the same keypoint scores. Positions agree to
    // a fraction of an image pixel (the clip's are in its own pixels, mapped back through one scale factor).
    const scale = pictures[0]!.scale;
    fromFolder.forEach((frame, f) => {
      assert.equal(frame.people.length, fromClip[f]!.people.length, `frame ${f}: people`);
      frame.people.forEach((person, p) => {
        const other = fromClip[f]!.people[p]!.keypoints;
        person.keypoints.forEach((value, k) => {
          const expected = k % 3 === 2 ? other[k]! : other[k]! * scale;
          assert.ok(Math.abs(value - expected) < (k % 3 === 2 ? 1e-4 : 0.5), `frame ${f} person ${p} value ${k}: ${value} vs ${expected}`);
        });
      });
    });
  });

  const out = join(dir, 'overlay.mp4');
  const rendered = await cli(['render', clipFolder, '--out', out]);
  assert.match(rendered, /3 frames/);
  const frames: DecodedFrame[] = [];
  for await (const frame of readFrames(out, { pixelFormat: 'rgb24' })) frames.push(frame);
  // The encoder pads to even sizes (yuv420p).
  const even = (n: number) => Math.ceil(n / 2) * 2;
  assert.deepEqual(frames.map((frame) => [frame.width, frame.height]), pictures.map((picture) => [even(picture.width), even(picture.height)]));
  // The overlay is the image plus a few drawn lines: most of every frame is the image (through H.264).
  frames.forEach((frame, f) => {
    const picture = pictures[f]!;
    let close = 0;
    for (let y = 0; y < picture.height; y++) {
      for (let x = 0; x < picture.width * 3; x++) if (Math.abs(frame.data[y * frame.width * 3 + x]! - picture.data[y * picture.width * 3 + x]!) <= 24) close++;
    }
    assert.ok(close / picture.data.length > 0.9, `frame ${f}: ${close / picture.data.length} of values near the image`);
  });
});

test('onnx features crop the dataset tube from its image folder', async () => {
  const model = join(dir, 'backbone.onnx');
  // Output channel c copies input channel c, so average pooling gives the crop's mean colour.
  writeFileSync(model, buildConvModel({ inputName: 'image', stride: 1, outputs: [{ name: 'features', channels: 3, weights: (c, i) => (c === i ? 1 : 0), bias: () => 0 }] }));
  const extractor = await OnnxBackboneExtractor.open(model);
  const store = openDatabase(db);
  try {
    const tube = loadTubes(store).find((candidate) => candidate.name === 'pennaction/0001/person0')!;
    const sequence = await tubeToSequence(store, db, tube, { extractor, cache: new FeatureCache(join(dir, 'features')) });
    // Expected: the same crops of the pictures as written (not as decoded), averaged here.
    tube.frames.forEach((frame: TubeFrame, f) => {
      const pixels = new Float32Array(3 * 224 * 224);
      writeCrop(pictures[frame.frameIndex]!, frame.crop, false, pixels, 0);
      for (let c = 0; c < 3; c++) {
        const expected = pixels.subarray(c * 224 * 224, (c + 1) * 224 * 224).reduce((a, b) => a + b, 0) / (224 * 224);
        const actual = sequence.features.original[f * 3 + c]!;
        assert.ok(Math.abs(actual - expected) < 1e-3, `frame ${frame.frameIndex} channel ${c}: ${actual} vs ${expected}`);
      }
    });
  } finally {
    store.close();
    await extractor.close();
  }
});

test('3DPW imageFiles become the tubes\' video; a folder numbered unlike the labels fails that sequence only', async () => {
  const root = join(dir, '3dpw');
  mkdirSync(join(root, 'sequenceFiles', 'test'), { recursive: true });
  copyFileSync(fixture('3dpw', 'sequenceFiles', 'test', 'courtyard_fixture_00.pkl'), join(root, 'sequenceFiles', 'test', 'courtyard_fixture_00.pkl'));
  const images = join(root, 'imageFiles', 'courtyard_fixture_00');
  const marked = Array.from({ length: 4 }, (_, i) => ({ background: 60, square: { x: 4 * i, y: 4 } }));
  writeMarkedImages(images, 48, 32, marked, (i) => `image_${String(i + 1).padStart(5, '0')}.jpg`);
  const separate = join(dir, '3dpw.db');
  const wrong = await runCli(['--db', separate, 'import', '3dpw', root]);
  assert.equal(wrong.code, 3, wrong.stderr);
  assert.match(wrong.stderr, /courtyard_fixture_00: .*imageFiles\/courtyard_fixture_00: the first image is image_00001\.jpg, numbered 1; the labels' frame 0 is image 0/);
  withStore(separate, (store) => assert.deepEqual(listTubes(store), []));

  writeMarkedImages(images, 48, 32, marked, (i) => `image_${String(i).padStart(5, '0')}.jpg`);
  execFileSync('rm', [join(images, 'image_00004.jpg')]);
  for (let run = 0; run < 2; run++) {
    const imported = await runCli(['--db', separate, 'import', '3dpw', root]);
    assert.equal(imported.code, 0, imported.stderr);
  }
  withStore(separate, (store) => {
    const [video, ...others] = listVideos(store);
    assert.equal(others.length, 0);
    assert.deepEqual([video!.path, video!.frameCount, video!.fps, video!.width, video!.height], [images, 4, 30, 48, 32]);
    // Re-importing replaced the tubes: still one per actor, both on the folder.
    assert.deepEqual(listTubes(store).map((tube) => [tube.name, tube.videoId]), [0, 1].map((n) => [`3dpw/test/courtyard_fixture_00/actor${n}`, video!.id]));
  });
});
