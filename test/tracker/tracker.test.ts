import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { trackPoseFrames, type TrackPosesOptions } from '../../src/tracker/track-poses.js';
import { countIdentityErrors } from './identity-metrics.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { syntheticStream, walker, type LabelledFrame, type SyntheticPerson } from './synthetic-poses.js';

const format = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat;

function track(stream: LabelledFrame[], options: TrackPosesOptions = {}) {
  return trackPoseFrames(
    stream.map((f) => f.frame),
    stream.map((f) => f.sceneScore),
    format,
    options,
  );
}

function range(from: number, to: number): Set<number> {
  return new Set(Array.from({ length: to - from }, (_, i) => from + i));
}

test('two people crossing each other keep their identities', () => {
  const stream = syntheticStream({
    frames: 120,
    format,
    seed: 1,
    noisePx: 2,
    people: [walker(1, [200, 200], [8, 0], 300, 0, 120), walker(2, [1100, 210], [-8, 0], 300, 0, 120)],
  });
  const { tracks } = track(stream);
  const errors = countIdentityErrors(stream, tracks);
  assert.equal(tracks.length, 2);
  assert.deepEqual({ ...errors, coverage: undefined }, { idSwitches: 0, fragmentations: 0, impureTracks: 0, falsePositiveHits: 0, coverage: undefined });
  assert.equal(errors.coverage, 1);
});

test('a crossing where the person behind is partly hidden keeps identities', () => {
  // The smaller (farther) person loses every keypoint inside the nearer person's box while they overlap.
  const stream = syntheticStream({
    frames: 120,
    format,
    seed: 2,
    noisePx: 2,
    occlusion: true,
    people: [walker(1, [200, 200], [8, 0], 300, 0, 120), walker(2, [1100, 230], [-8, 0], 260, 0, 120)],
  });
  const errors = countIdentityErrors(stream, track(stream).tracks);
  assert.equal(errors.idSwitches, 0);
  assert.equal(errors.impureTracks, 0);
});

test('a crowd with misses, occlusion and false positives never mixes two people in one track', () => {
  const random = seededRandom(77 * 5);
  const people: SyntheticPerson[] = Array.from({ length: 8 }, (_, i) =>
    walker(
      i + 1,
      [random() * 1100 + 50, 100 + random() * 300],
      [(random() - 0.5) * 12, (random() - 0.5) * 2],
      150 + random() * 200,
      Math.floor(random() * 40),
      200 - Math.floor(random() * 40),
    ),
  );
  const stream = syntheticStream({
    frames: 200,
    format,
    seed: 5,
    noisePx: 3,
    missRate: 0.05,
    keypointDropRate: 0.1,
    falsePositivesPerFrame: 0.5,
    occlusion: true,
    people,
  });
  const errors = countIdentityErrors(stream, track(stream).tracks);
  assert.equal(errors.impureTracks, 0);
  assert.equal(errors.falsePositiveHits, 0);
  assert.ok(errors.idSwitches <= 2, `identity switches ${errors.idSwitches}`);
  assert.ok(errors.coverage > 0.95, `coverage ${errors.coverage}`);
});

test('a short disappearance is bridged; leaving for longer than maxGap starts a new track', () => {
  const stream = syntheticStream({
    frames: 140,
    format,
    seed: 3,
    noisePx: 2,
    people: [
      walker(1, [100, 200], [6, 0], 300, 0, 140, range(40, 46)),
      walker(2, [700, 200], [0, 0], 300, 0, 140, range(60, 90)),
    ],
  });
  const { tracks } = track(stream, { tracker: { maxGap: 10 } });
  const errors = countIdentityErrors(stream, tracks);
  assert.equal(errors.impureTracks, 0);
  const tracksOfTruth = (truthId: number) => {
    const ids = new Set<number>();
    for (const t of tracks) {
      for (const { hit } of t.frames) {
        const labelled = stream[hit?.frameIndex ?? -1];
        if (hit && labelled!.truthIds[hit.personIndex] === truthId) ids.add(t.trackId);
      }
    }
    return ids.size;
  };
  assert.equal(tracksOfTruth(1), 1, 'a 6-frame gap keeps the track');
  assert.equal(tracksOfTruth(2), 2, 'a 30-frame absence ends the track; the return is a new one');
  const bridged = tracks.find((t) => t.frames.some((f) => f.hit && stream[f.frameIndex]!.truthIds[f.hit.personIndex] === 1));
  assert.deepEqual(
    bridged?.frames.filter((f) => f.hit === undefined).map((f) => f.frameIndex),
    [...range(40, 46)],
    'the gap frames are kept, without hits',
  );
});

test('false positives alone never become confirmed tracks', () => {
  const stream = syntheticStream({ frames: 200, format, seed: 4, falsePositivesPerFrame: 3, people: [] });
  assert.equal(track(stream).tracks.length, 0);
});

test('a hard cut ends every track even when the new shot has people in the same places', () => {
  const people = [
    walker(1, [200, 200], [2, 0], 300, 0, 60),
    walker(2, [600, 150], [-1, 0], 250, 0, 60),
    // Where persons 1 and 2 would have been had the shot gone on.
    walker(3, [322, 200], [2, 0], 300, 60, 120),
    walker(4, [539, 150], [-1, 0], 250, 60, 120),
  ];
  const stream = syntheticStream({ frames: 120, format, seed: 9, noisePx: 2, cuts: [60], people });
  const { tracks, shotStarts } = track(stream);
  assert.deepEqual(shotStarts, [60]);
  assert.ok(tracks.every((t) => t.frames[0]!.frameIndex >= 60 || t.frames[t.frames.length - 1]!.frameIndex < 60));
  assert.equal(countIdentityErrors(stream, tracks).impureTracks, 0);

  // Without the scene scores (no cut known) the same stream links across the cut: the test can fail.
  const blind = trackPoseFrames(stream.map((f) => f.frame), stream.map(() => null), format);
  assert.ok(countIdentityErrors(stream, blind.tracks).impureTracks > 0);
});

test('the gate keeps a far-away stranger from taking over a vanished track', () => {
  // Person 1 vanishes at frame 30; person 2 appears across the frame at frame 32. Ungated matching
  // (as Detect-and-Track) links them; the gate must not.
  const people = [walker(1, [100, 200], [3, 0], 300, 0, 30), walker(2, [1000, 250], [-3, 0], 300, 32, 80)];
  const stream = syntheticStream({ frames: 80, format, seed: 6, noisePx: 2, people });
  assert.equal(countIdentityErrors(stream, track(stream).tracks).impureTracks, 0);
  const ungated = track(stream, { tracker: { cost: { oksWeight: 0.5, iouWeight: 0.5, gate: Infinity, minAreaPx2: 400 } } });
  assert.equal(countIdentityErrors(stream, ungated.tracks).impureTracks, 1);
});

test('frames must arrive in increasing order', () => {
  const stream = syntheticStream({ frames: 3, format, seed: 1, people: [] });
  assert.throws(() => trackPoseFrames([stream[1]!.frame, stream[0]!.frame], [null, null], format), RangeError);
});
