import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_VIDEO_EXTENSIONS } from '../../src/ingest/walk.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { renderVideo } from '../../src/render/render-video.js';
import { openDatabase } from '../../src/store/database.js';
import { listVideos } from '../../src/store/videos.js';
import { writeOpenPoseFrames } from '../../src/pose2d/export-openpose.js';
import { importOpenPoseFolder } from '../../src/tracker/import-openpose.js';
import { trackLabelRun } from '../../src/tracker/track-video.js';
import { ffprobeTruth, makeVideo } from '../helpers/make-video.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticStream, walker } from '../tracker/synthetic-poses.js';

const dir = tempDir('hmmr-render-video-');

test('render draws a tracked label run into a playable video with the source frame count', async () => {
  const frames = 50;
  const video = makeVideo(join(dir, 'people.mp4'), { width: 320, height: 180, fps: 25, frames });
  const format = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat;
  const stream = syntheticStream({
    frames,
    format,
    seed: 2,
    noisePx: 1,
    frameWidth: 320,
    frameHeight: 180,
    people: [walker(1, [40, 20], [3, 0], 140, 0, frames), walker(2, [280, 25], [-3, 0], 130, 0, frames)],
  });
  const json = join(dir, 'json');
  writeOpenPoseFrames(stream.map((f) => f.frame), 'people', json);

  const db = openDatabase(join(dir, 'render.db'));
  try {
    await ingestPaths(db, [video], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
    const record = listVideos(db)[0]!;
    const { labelRunId } = importOpenPoseFolder(db, json, record);
    assert.equal(trackLabelRun(db, labelRunId, { minTubeFrames: 20 }).tubes.length, 2);
    const out = join(dir, 'overlay.mp4');
    const result = await renderVideo(db, record, out);
    assert.deepEqual(result, { labelRunId, frames, tubes: 2 });
    const truth = ffprobeTruth(out);
    assert.equal(truth.frames, ffprobeTruth(video).frames);
    assert.deepEqual([truth.width, truth.height], [320, 180]);
  } finally {
    db.close();
  }
});
