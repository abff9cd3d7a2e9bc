import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../src/pose2d/descriptor.js';
import { PoseTracker } from '../src/tracker/tracker.js';
import { buildTubes, defaultTubeOptions } from '../src/tracker/tube.js';
import { countIdentityErrors, countImpureTubes, syntheticDetectionId } from '../test/tracker/identity-metrics.js';
import { pacer, seededRandom, syntheticStream } from '../test/tracker/synthetic-poses.js';
import type { BenchTable } from './bench-table.js';

const FRAMES = 1000;
const REPEATS = 3;

/** Tracking cost per frame on a synthetic crowd (target ≤ 1 ms with 20 people). */
export default async function trackerBench(): Promise<BenchTable> {
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
    columns: ['crowd', 'detections / frame', 'track ms / frame', 'tubes ms / frame', 'tubes', 'ID switches', 'impure tracks', 'impure tubes', 'coverage'],
    rows,
    notes: [
      `synthetic people pacing back and forth across each other (COCO-18, 1920×1080, ${FRAMES} frames, keypoint noise 3 px, 3% misses, 10% keypoints dropped, occlusion, 1 false positive / frame); best of ${REPEATS}`,
      'target: tracking ≤ 1 ms per frame with 20 people',
      'ID switches: a person\'s track id changed (CLEAR-MOT, over the detections given); impure: tracks (after cleaning: tubes) holding two people; coverage: share of true detections in a confirmed track',
    ],
  };
}
