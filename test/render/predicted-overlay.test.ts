import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_VIDEO_EXTENSIONS } from '../../src/ingest/walk.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { writeOpenPoseFrames } from '../../src/pose2d/export-openpose.js';
import { renderVideo } from '../../src/render/render-video.js';
import { openDatabase } from '../../src/store/database.js';
import { openPredictionRun, storeTubePrediction } from '../../src/store/predictions.js';
import { loadTubes } from '../../src/store/tubes.js';
import { listVideos } from '../../src/store/videos.js';
import { importOpenPoseFolder } from '../../src/tracker/import-openpose.js';
import { trackLabelRun } from '../../src/tracker/track-video.js';
import { readFrames, type DecodedFrame } from '../../src/video/frame-source.js';
import { makeVideo } from '../helpers/make-video.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticStream, walker } from '../tracker/synthetic-poses.js';

const dir = tempDir('hmmr-render-predicted-');

test('render --predicted draws the stored 3D joints where each frame\'s camera and crop project them', async () => {
  const frames = 30;
  const video = makeVideo(join(dir, 'walk.mp4'), { width: 320, height: 180, fps: 25, frames, filter: 'lutrgb=r=0:g=0:b=0' });
  const format = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat;
  const stream = syntheticStream({ frames, format, seed: 3, noisePx: 1, frameWidth: 320, frameHeight: 180, people: [walker(1, [30, 20], [2, 0], 140, 0, frames)] });
  writeOpenPoseFrames(stream.map((f) => f.frame), 'walk', join(dir, 'json'));

  const db = openDatabase(join(dir, 'render.db'));
  try {
    await ingestPaths(db, [video], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
    const record = listVideos(db)[0]!;
    const { labelRunId } = importOpenPoseFolder(db, join(dir, 'json'), record);
    trackLabelRun(db, labelRunId, { minTubeFrames: 10 });
    const [tube] = loadTubes(db, { videoId: record.id });
    // Joints chosen so that, through each frame's own crop and camera, even joints land on x = 200 and
    // odd ones on x = 300, all at y = 150: every LSP bone with one even and one odd end crosses (250, 150).
    const camera = [0.8, 0.1, -0.05];
    const theta = new Float32Array(tube!.frames.length * 85);
    const joints3d = new Float32Array(tube!.frames.length * 42);
    tube!.frames.forEach((frame, f) => {
      theta.set(camera, f * 85);
      const k = (112 * camera[0]!) / frame.crop.scale;
      for (let j = 0; j < 14; j++) {
        joints3d.set([(200 + 100 * (j % 2) - frame.crop.centerX) / k - camera[1]!, (150 - frame.crop.centerY) / k - camera[2]!, 0], (f * 14 + j) * 3);
      }
    });
    const { runId } = openPredictionRun(db, { checkpoint: 'test', step: 0, config: {}, settings: {}, backend: 'none', jointSet: 'lsp14' });
    storeTubePrediction(db, runId, { tubeId: tube!.id, frameIndices: Int32Array.from(tube!.frames, (frame) => frame.frameIndex), theta, joints3d });

    const pixelAt = async (path: string, frameIndex: number) => {
      const decoded: DecodedFrame[] = [];
      for await (const frame of readFrames(path)) decoded.push(frame);
      const offset = (150 * 320 + 250) * 3;
      return [...decoded[frameIndex]!.data.subarray(offset, offset + 3)];
    };
    const plain = join(dir, 'plain.mp4');
    await renderVideo(db, record, plain);
    const withPredictions = join(dir, 'predicted.mp4');
    const result = await renderVideo(db, record, withPredictions, { predictionRun: 'latest' });
    assert.equal(result.predictedTubes, 1);
    const middle = tube!.frames[Math.floor(tube!.frames.length / 2)]!.frameIndex;
    const drawn = await pixelAt(withPredictions, middle);
    assert.ok(drawn.every((channel) => channel > 200), `a white bone at (250, 150) on frame ${middle}: ${drawn}`);
    const without = await pixelAt(plain, middle);
    assert.ok(without.every((channel) => channel < 60), `nothing there without --predicted: ${without}`);
    await assert.rejects(renderVideo(db, record, join(dir, 'x.mp4'), { predictionRun: 99 }), /no prediction run 99/);
  } finally {
    db.close();
  }
});
