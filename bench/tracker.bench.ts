import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_VIDEO_EXTENSIONS } from '../src/ingest/walk.js';
import { ingestPaths } from '../src/ingest/ingest.js';
import { OPENPOSE_DECODE_DEFAULTS } from '../src/pose2d/decode-options.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../src/pose2d/descriptor.js';
import { labelVideo } from '../src/pipeline/label-video-run.js';
import { resolveModelFiles } from '../src/pose2d/model-files.js';
import { openWorkerPoseSession } from '../src/pose2d/worker-session.js';
import { openDatabase } from '../src/store/database.js';
import { listVideos } from '../src/store/videos.js';
import { trackLabelRun } from '../src/tracker/track-video.js';
import { PoseTracker } from '../src/tracker/tracker.js';
import { buildTubes, defaultTubeOptions } from '../src/tracker/tube.js';
import { countIdentityErrors, countImpureTubes, syntheticDetectionId } from '../test/tracker/identity-metrics.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { pacer, syntheticStream } from '../test/tracker/synthetic-poses.js';
import type { BenchTable } from './bench-table.js';
import { sharedVideo } from './shared-assets.js';

const FRAMES = 1000;
const REPEATS = 3;

/**
 * Tracking cost per frame on synthetic crowds (target ≤ 1 ms with 20 people), then `hmmr label` +
 * tracking on the multi-person street clip from ../shared when present.
 */
export default async function trackerBench(): Promise<BenchTable> {
  const table = syntheticCrowds();
  const clip = sharedVideo('openpose_street_multiperson.mp4');
  if (clip.path) {
    const street = await labelAndTrack(clip.path);
    table.rows.push(street.row);
    table.notes!.push(street.note);
  } else {
    table.notes!.push(clip.skipReason!);
  }
  return table;
}

function syntheticCrowds(): BenchTable {
  const format = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat;
  const rows: (string | number)[][] = [];
  for (const peopleCount of [5, 20, 50]) {
    const random = seededRandom(peopleCount);
    const people = Array.from({ length: peopleCount }, (_, i) => {
      const [a, b] = [100 + random() * 1700, 100 + random() * 1700];
      return pacer(i + 1, a, b, 50 + random() * 550, 1 + random() * 5, 150 + random() * 250, FRAMES);
    });
    const stream = syntheticStream({
      frames: FRAMES,
      format,
      seed: peopleCount,
      noisePx: 3,
      missRate: 0.03,
      keypointDropRate: 0.1,
      falsePositivesPerFrame: 1,
      occlusion: true,
      frameWidth: 1920,
      frameHeight: 1080,
      people,
    });
    let bestTrackMs = Infinity;
    let bestTubeMs = Infinity;
    let tubeCount = 0;
    let impureTubes = 0;
    let errors = countIdentityErrors([], []);
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const tracker = new PoseTracker(format);
      const started = performance.now();
      for (const { frame } of stream) tracker.push(frame);
      const tracks = tracker.finish();
      const tracked = performance.now();
      const tubes = tracks.flatMap((track) => buildTubes(track, format, defaultTubeOptions(format), syntheticDetectionId));
      tubeCount = tubes.length;
      impureTubes = countImpureTubes(stream, tubes);
      errors = countIdentityErrors(stream, tracks);
      bestTrackMs = Math.min(bestTrackMs, tracked - started);
      bestTubeMs = Math.min(bestTubeMs, performance.now() - tracked);
    }
    const detections = stream.reduce((sum, { frame }) => sum + frame.people.length, 0);
    rows.push([
      `${peopleCount} people`,
      (detections / FRAMES).toFixed(1),
      bestTrackMs / FRAMES,
      bestTubeMs / FRAMES,
      tubeCount,
      errors.idSwitches,
      errors.impureTracks,
      impureTubes,
      errors.coverage,
    ]);
  }
  return {
    title: 'tracker',
    columns: ['case', 'detections / frame', 'track ms / frame', 'tubes ms / frame', 'tubes', 'ID switches', 'impure tracks', 'impure tubes', 'coverage'],
    rows,
    notes: [
      `synthetic people pacing back and forth across each other (COCO-18, 1920×1080, ${FRAMES} frames, keypoint noise 3 px, 3% misses, 10% keypoints dropped, occlusion, 1 false positive / frame); best of ${REPEATS}`,
      'target: tracking ≤ 1 ms per frame with 20 people',
      'ID switches: a person\'s track id changed (CLEAR-MOT, over the detections given); impure: tracks (after cleaning: tubes) holding two people; coverage: share of true detections in a confirmed track',
    ],
  };
}

/** The shipped model on the street clip: label frames/s (CPU), then tracking and the resulting tubes. */
async function labelAndTrack(videoPath: string): Promise<{ row: (string | number)[]; note: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hmmr-bench-track-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    await ingestPaths(db, [videoPath], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
    const video = listVideos(db)[0]!;
    const { descriptor, modelPath } = resolveModelFiles({});
    const session = await openWorkerPoseSession(descriptor, modelPath, { device: 'cpu' });
    const started = performance.now();
    let labelled;
    try {
      labelled = await labelVideo(db, video, session, {
        inputHeight: descriptor.input.defaultHeight,
        batchSize: 4,
        chunkFrames: 64,
        decode: OPENPOSE_DECODE_DEFAULTS,
      });
    } finally {
      await session.close();
    }
    const labelSec = (performance.now() - started) / 1000;
    const trackStarted = performance.now();
    const tracked = trackLabelRun(db, labelled.runId);
    const trackMs = performance.now() - trackStarted;
    const lengths = tracked.tubes.map((tube) => tube.frameCount).sort((a, b) => b - a);
    return {
      row: ['street clip (real detections)', (tracked.detections / tracked.frames).toFixed(1), trackMs / tracked.frames, '(included)', tracked.tubes.length, 'n/a', 'n/a', 'n/a', 'n/a'],
      note:
        `street clip (openpose_street_multiperson.mp4, ${labelled.framesLabelled} frames): hmmr label ${(labelled.framesLabelled / labelSec).toFixed(1)} frames/s ` +
        `(CPU, ${descriptor.input.defaultHeight} px input, batch 4); tracking incl. reading detections and storing tubes ${trackMs.toFixed(0)} ms; ` +
        `${tracked.tracks} confirmed tracks → ${tracked.tubes.length} tubes of ${lengths.join(', ') || '-'} frames`,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
