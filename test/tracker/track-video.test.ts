import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PoseFrame } from '../../src/domain.js';
import { BadInputFileError } from '../../src/errors.js';
import { DEFAULT_VIDEO_EXTENSIONS } from '../../src/ingest/walk.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { commitDetectionChunk, finishLabelRun, listLabelRuns, readDetections, startLabelRun } from '../../src/store/detections.js';
import { findTrackRun, listTubes, loadTubes } from '../../src/store/tubes.js';
import { listVideos, type VideoRecord } from '../../src/store/videos.js';
import { openPoseFileName, writeOpenPoseFrames } from '../../src/pose2d/export-openpose.js';
import { buildTrackedExport } from '../../src/tracker/export-tracks.js';
import { importOpenPoseFolder } from '../../src/tracker/import-openpose.js';
import { labelledFrameRate, trackLabelRun } from '../../src/tracker/track-video.js';
import { makeVideo } from '../helpers/make-video.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticStream, walker } from './synthetic-poses.js';

const dir = tempDir('hmmr-track-video-');
const format = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat;
const FRAMES = 90;

const videoPath = makeVideo(join(dir, 'walk.mp4'), { width: 64, height: 48, fps: 25, frames: FRAMES });
const stream = syntheticStream({
  frames: FRAMES,
  format,
  seed: 11,
  noisePx: 2,
  missRate: 0.02,
  falsePositivesPerFrame: 0.3,
  people: [walker(1, [200, 200], [6, 0], 300, 0, FRAMES), walker(2, [900, 210], [-6, 0], 280, 5, FRAMES)],
});

function writeOpenPoseFolder(name: string, frames: readonly PoseFrame[]): string {
  const folder = join(dir, name);
  writeOpenPoseFrames(frames, 'walk', folder);
  return folder;
}

async function databaseWithVideo(name: string): Promise<{ db: Db; video: VideoRecord }> {
  const db = openDatabase(join(dir, `${name}.db`));
  await ingestPaths(db, [videoPath], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
  return { db, video: listVideos(db)[0]! };
}

test('OpenPose import → export → import is lossless, and a repeated import is recognised', async () => {
  const source = writeOpenPoseFolder('source', stream.map((f) => f.frame));
  const a = await databaseWithVideo('a');
  const b = await databaseWithVideo('b');
  try {
    const first = importOpenPoseFolder(a.db, source, a.video);
    assert.equal(first.created, true);
    assert.equal(first.frames, FRAMES);
    assert.equal(first.keypointFormat, 'coco18');
    const imported = readDetections(a.db, first.labelRunId);

    const exported = writeOpenPoseFolder('exported', imported);
    const second = importOpenPoseFolder(b.db, exported, b.video);
    assert.deepEqual(readDetections(b.db, second.labelRunId), imported);
    const again = importOpenPoseFolder(a.db, exported, a.video);
    assert.deepEqual([again.created, again.labelRunId], [false, first.labelRunId]);
    assert.equal(listLabelRuns(a.db).length, 1);
  } finally {
    a.db.close();
    b.db.close();
  }
});

test('a bad file imports nothing', async () => {
  const frames = stream.slice(0, 10).map((f) => f.frame);
  const folder = writeOpenPoseFolder('broken', frames);
  writeFileSync(join(folder, openPoseFileName('walk', 5)), '{"people": [{"pose_keypoints_2d": [1, 2]}]}');
  const { db, video } = await databaseWithVideo('broken');
  try {
    assert.throws(() => importOpenPoseFolder(db, folder, video), (error: unknown) => error instanceof BadInputFileError && error.path!.endsWith(openPoseFileName('walk', 5)));
    assert.equal(listLabelRuns(db).length, 0);
  } finally {
    db.close();
  }
});

test('tracking a label run stores pure tubes that point at their detections, and re-tracking replaces them', async () => {
  const { db, video } = await databaseWithVideo('track');
  try {
    const { labelRunId } = importOpenPoseFolder(db, writeOpenPoseFolder('to-track', stream.map((f) => f.frame)), video);
    const first = trackLabelRun(db, labelRunId, { minTubeFrames: 30 });
    assert.equal(first.tubes.length, 2, `tubes: ${JSON.stringify(first.tubes)}`);
    assert.deepEqual(first.tubes.map((t) => t.name).sort(), first.tubes.map((t) => `walk/track${t.trackId}/part0`).sort());

    // Every tube frame with a detection id holds exactly that detection's keypoints, of one person.
    const detections = readDetections(db, labelRunId);
    const byKeypoints = new Map<string, number>();
    stream.forEach(({ truthIds }, f) => detections[f]!.people.forEach((p, i) => byKeypoints.set(p.keypoints.join(','), truthIds[i]!)));
    for (const tube of loadTubes(db, { trackRunId: first.trackRunId })) {
      assert.equal(tube.videoId, video.id);
      assert.equal(tube.tier, 'pseudo2d');
      const truths = new Set(tube.frames.filter((f) => f.detectionId !== undefined).map((f) => byKeypoints.get(f.keypoints.join(','))));
      assert.equal(truths.size, 1, 'one person per tube');
      assert.ok(!truths.has(-1), 'no false positive in a tube');
    }

    const second = trackLabelRun(db, labelRunId, { minTubeFrames: 200 });
    assert.equal(second.tubes.length, 0);
    assert.equal(findTrackRun(db, labelRunId)!.id, second.trackRunId);
    assert.equal(listTubes(db, { trackRunId: first.trackRunId }).length, 0, 'the old track run and its tubes are gone');
  } finally {
    db.close();
  }
});

test('coco, posetrack and tube-json exports describe the stored detections and tubes', async () => {
  const { db, video } = await databaseWithVideo('export');
  try {
    const { labelRunId } = importOpenPoseFolder(db, writeOpenPoseFolder('to-export', stream.map((f) => f.frame)), video);
    assert.deepEqual(buildTrackedExport(db, video, 'json'), { skipped: 'not tracked yet (run hmmr track)' });
    const documentOf = (format: 'coco' | 'posetrack' | 'json'): unknown => {
      const built = buildTrackedExport(db, video, format);
      assert.ok('document' in built, format);
      return built.document;
    };
    const tracking = trackLabelRun(db, labelRunId, { minTubeFrames: 30 });
    const tubes = loadTubes(db, { trackRunId: tracking.trackRunId });
    const detectionCount = stream.reduce((sum, f) => sum + f.frame.people.length, 0);
    const tubeDetections = tubes.flatMap((t) => t.frames.filter((f) => f.detectionId !== undefined));

    const coco = documentOf('coco') as { images: unknown[]; annotations: { track_id?: number }[] };
    assert.equal(coco.images.length, FRAMES);
    assert.equal(coco.annotations.length, detectionCount);
    assert.equal(coco.annotations.filter((a) => a.track_id !== undefined).length, tubeDetections.length);

    const posetrack = documentOf('posetrack') as { annotations: { track_id: number; image_id: number }[] };
    assert.equal(posetrack.annotations.length, tubeDetections.length);
    assert.deepEqual(new Set(posetrack.annotations.map((a) => a.track_id)), new Set(tubes.map((t) => t.trackId)));

    const json = JSON.parse(JSON.stringify(documentOf('json'))) as {
      format: string;
      crop: { cropSizePx: number; targetDiagonalPx: number };
      tubes: { name: string; frameCount: number; frames: { frame: number; detectionId: number | null; keypoints: number[]; crop: number[] }[] }[];
    };
    assert.equal(json.format, 'hmmr-tubes');
    assert.deepEqual(json.crop, { cropSizePx: 224, targetDiagonalPx: 150 });
    assert.deepEqual(json.tubes.map((t) => [t.name, t.frameCount]), tubes.map((t) => [t.name, t.frames.length]));
    const written = json.tubes[0]!.frames;
    tubes[0]!.frames.forEach((frame, i) => {
      assert.equal(written[i]!.frame, frame.frameIndex);
      assert.equal(written[i]!.detectionId, frame.detectionId ?? null);
      assert.deepEqual(Float32Array.from(written[i]!.keypoints), frame.keypoints);
      assert.ok(Math.abs(written[i]!.crop[2]! - frame.crop.scale) < 1e-6);
    });
  } finally {
    db.close();
  }
});

test('tubes of a run labelled with --fps carry the labelled frame rate, not the video rate', () => {
  assert.equal(labelledFrameRate(25, JSON.stringify({ fps: 5 })), 5);
  assert.equal(labelledFrameRate(25, JSON.stringify({ fps: null })), 25);
  assert.equal(labelledFrameRate(25, JSON.stringify({ fps: 50 })), 25, 'asking for more than the video has keeps every frame');
  assert.equal(labelledFrameRate(24, JSON.stringify({})), 24, 'imports record no fps');
  // The uniform grid: every ⌈25/8⌉ = 4th frame, so 6.25 fps exactly; runs from before it kept 8 fps on average.
  assert.equal(labelledFrameRate(25, JSON.stringify({ fps: 8, subsampling: 'uniform-step' })), 6.25);
  assert.equal(labelledFrameRate(25, JSON.stringify({ fps: 8 })), 8);
});

test('re-tracking keeps the row of every tube whose content is unchanged (id, split), and only those', async () => {
  const { db, video } = await databaseWithVideo('identity');
  try {
    const { labelRunId } = importOpenPoseFolder(db, writeOpenPoseFolder('identity', stream.map((f) => f.frame)), video);
    const first = trackLabelRun(db, labelRunId, { minTubeFrames: 30 });
    assert.equal(first.tubes.length, 2);
    assert.ok(first.tubes.every((tube) => !tube.kept));
    // A curation decision: one tube moved to the validation split.
    db.prepare("UPDATE tubes SET split = 'val' WHERE id = ?").run(first.tubes[0]!.id);

    // Other parameters that leave both tubes as they were: same rows, new track run.
    const same = trackLabelRun(db, labelRunId, { minTubeFrames: 20 });
    assert.notEqual(same.trackRunId, first.trackRunId);
    assert.deepEqual(same.tubes.map((t) => [t.id, t.name, t.kept]), first.tubes.map((t) => [t.id, t.name, true]));
    assert.equal(listTubes(db, { split: 'val' })[0]!.id, first.tubes[0]!.id, 'the split decision survives');
    assert.deepEqual(listTubes(db).map((t) => t.trackRunId), [same.trackRunId, same.trackRunId]);

    // Splitting the tubes into parts changes them: new rows, the old ones are gone.
    const split = trackLabelRun(db, labelRunId, { minTubeFrames: 20, maxTubeFrames: 45 });
    assert.ok(split.tubes.length > 2 && split.tubes.every((t) => !t.kept));
    assert.equal(listTubes(db, { split: 'val' }).length, 0, 'changed tubes are new rows: the old decision went with the old tube');
    assert.equal(listTubes(db).length, split.tubes.length);
    const back = trackLabelRun(db, labelRunId, { minTubeFrames: 30 });
    assert.deepEqual(back.tubes.map((t) => t.kept), [false, false], 'a tube that came back is a new row');
  } finally {
    db.close();
  }
});

test('tube names are unique across folders and label runs (a constraint, not a hope)', async () => {
  const { db, video } = await databaseWithVideo('names');
  try {
    const elsewhere = join(dir, 'other-folder');
    mkdirSync(elsewhere, { recursive: true });
    makeVideo(join(elsewhere, 'walk.mp4'), { width: 64, height: 48, fps: 25, frames: FRAMES, filter: 'negate' });
    await ingestPaths(db, [elsewhere], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
    const second = listVideos(db).find((v) => v.id !== video.id)!;
    const folder = writeOpenPoseFolder('names', stream.map((f) => f.frame));
    const a = trackLabelRun(db, importOpenPoseFolder(db, folder, video).labelRunId, { minTubeFrames: 30 });
    const b = trackLabelRun(db, importOpenPoseFolder(db, folder, second).labelRunId, { minTubeFrames: 30 });
    // A second label run of the first video (other detections: every other frame dropped).
    const thinned = writeOpenPoseFolder('names-thinned', stream.filter((_, f) => f % 2 === 0).map((f) => f.frame));
    const c = trackLabelRun(db, importOpenPoseFolder(db, thinned, video).labelRunId, { minTubeFrames: 10 });
    assert.deepEqual(a.tubes.map((t) => t.name.split('/')[0]), ['walk', 'walk']);
    assert.deepEqual(b.tubes.map((t) => t.name.split('/')[0]), [`walk~v${second.id}`, `walk~v${second.id}`]);
    assert.ok(c.tubes.length > 0 && c.tubes.every((t) => t.name.startsWith(`walk@run${c.labelRunId}/`)));
    const names = listTubes(db).map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    // Re-tracking the first run keeps its plain names.
    assert.deepEqual(trackLabelRun(db, a.labelRunId, { minTubeFrames: 30 }).tubes.map((t) => t.name), a.tubes.map((t) => t.name));
    assert.throws(
      () => db.prepare("UPDATE tubes SET name = ? WHERE id = ?").run(a.tubes[0]!.name, b.tubes[0]!.id),
      /UNIQUE constraint failed: tubes\.name/,
    );
  } finally {
    db.close();
  }
});

test('tracking parameters are in frames of the video: labelled at a lower --fps, the same gap splits a track and the same tube length is kept', async () => {
  const { db, video } = await databaseWithVideo('units');
  try {
    // Walker 1 is not detected for 16 frames (40–55): longer than --max-gap 10 at any labelling rate.
    const frames = stream.map(({ frame, truthIds }) => ({
      ...frame,
      people: frame.people.filter((_, i) => !(truthIds[i] === 1 && frame.frameIndex >= 40 && frame.frameIndex < 56)),
    }));
    const storeRun = (params: object, keep: (frameIndex: number) => boolean): number => {
      const kept = frames.filter((frame) => keep(frame.frameIndex));
      const run = startLabelRun(db, { videoId: video.id, source: 'onnx', modelName: 'm', modelSha256: 'f'.repeat(64), keypointFormat: format.name, params });
      commitDetectionChunk(db, run.id, 0, kept.map((frame) => ({ ...frame, sceneScore: 0 })), FRAMES);
      finishLabelRun(db, run.id);
      return run.id;
    };
    const everyFrame = storeRun({ fps: null }, () => true);
    // 25 fps labelled at --fps 8: every 4th frame.
    const everyFourth = storeRun({ fps: 8, subsampling: 'uniform-step' }, (frameIndex) => frameIndex % 4 === 0);
    const options = { maxGap: 10, minTubeFrames: 30 };
    const full = trackLabelRun(db, everyFrame, options);
    const sparse = trackLabelRun(db, everyFourth, options);
    assert.equal(full.tracks, 3, 'walker 1 in two tracks, walker 2 in one');
    assert.equal(sparse.tracks, 3, 'the 16-frame gap also splits the track labelled at every 4th frame');
    // Tubes of at least 30 video frames: kept at both rates, spanning the same stretches of video.
    assert.equal(sparse.tubes.length, full.tubes.length);
    const span = (t: { firstFrame: number; frameCount: number }, step: number) => [t.firstFrame, t.firstFrame + (t.frameCount - 1) * step];
    const fullSpans = full.tubes.map((t) => span(t, 1)).sort((a, b) => a[0]! - b[0]!);
    const sparseSpans = sparse.tubes.map((t) => span(t, 4)).sort((a, b) => a[0]! - b[0]!);
    sparseSpans.forEach(([first, last], i) => {
      assert.ok(Math.abs(first! - fullSpans[i]![0]!) <= 8 && Math.abs(last! - fullSpans[i]![1]!) <= 8, `tube ${i}: ${first}–${last} vs ${fullSpans[i]!.join('–')}`);
    });
    assert.ok(loadTubes(db, { trackRunId: sparse.trackRunId }).every((tube) => tube.fps === 6.25));
  } finally {
    db.close();
  }
});
