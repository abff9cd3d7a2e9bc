import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TubeFrame } from '../../src/domain.js';
import { BadInputFileError } from '../../src/errors.js';
import { readGroundTruthEvalSet } from '../../src/eval/ground-truth-set.js';
import { projectToCrop } from '../../src/body/weak-perspective.js';
import { openDatabase } from '../../src/store/database.js';
import { readTubeGroundTruth, replaceSyntheticTubes, type GroundTruthTubeToStore } from '../../src/store/ground-truth.js';
import { listTubes, readTubeFrames } from '../../src/store/tubes.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

function syntheticTube(name: string, split: 'train' | 'test', frames: number, offset: number): GroundTruthTubeToStore {
  const tubeFrames: TubeFrame[] = Array.from({ length: frames }, (_, f) => ({
    frameIndex: f,
    keypoints: Float32Array.from({ length: 18 * 3 }, (_, i) => (i % 3 === 2 ? 0.9 : 100 + f + i)),
    box: { x: 10, y: 20, width: 60, height: 120 },
    crop: { centerX: 40, centerY: 80, scale: 150 / Math.hypot(60, 120) },
  }));
  return {
    name,
    trackId: 0,
    keypointFormat: 'coco18',
    tier: 'mocap3d',
    split,
    fps: 25,
    frames: tubeFrames,
    jointSet: 'lsp14',
    groundTruth: tubeFrames.map((frame, f) => ({
      frameIndex: frame.frameIndex,
      joints3d: Float32Array.from({ length: 42 }, (_, i) => offset + f * 0.01 + i * 0.001),
      pose: new Float32Array(72).fill(0.1),
      shape: new Float32Array(10).fill(-0.2),
      camera: Float32Array.of(0.9, 0.01 * f, -0.02),
    })),
  };
}

test('synthetic tubes and their ground truth round-trip, and a re-run replaces only its own prefix', () => {
  const db = openDatabase(join(dir, 'gt.db'));
  try {
    const ids = replaceSyntheticTubes(db, 'synth-s1-', [syntheticTube('synth-s1-000-walk', 'train', 4, 0), syntheticTube('synth-s1-001-run', 'test', 3, 1)]);
    replaceSyntheticTubes(db, 'synth-s2-', [syntheticTube('synth-s2-000-walk', 'test', 2, 2)]);
    assert.equal(ids.length, 2);
    const frames = readTubeFrames(db, ids[0]!);
    assert.equal(frames.length, 4);
    assert.equal(frames[2]!.keypoints[0], 102);
    const truth = readTubeGroundTruth(db, ids[1]!);
    assert.deepEqual(truth.map((frame) => frame.frameIndex), [0, 1, 2]);
    assert.equal(truth[0]!.jointSet, 'lsp14');
    assert.ok(Math.abs(truth[2]!.joints3d[1]! - (1 + 0.02 + 0.001)) < 1e-6);
    assert.equal(truth[1]!.pose!.length, 72);
    assert.ok(Math.abs(truth[1]!.camera![1]! - 0.01) < 1e-7);

    // Same prefix again, fewer sequences: the old s1 tubes (frames and truth by cascade) are gone.
    replaceSyntheticTubes(db, 'synth-s1-', [syntheticTube('synth-s1-000-walk', 'train', 5, 0)]);
    assert.deepEqual(listTubes(db).map((tube) => tube.name).sort(), ['synth-s1-000-walk', 'synth-s2-000-walk']);
    assert.equal(readTubeGroundTruth(db, ids[1]!).length, 0);
    const orphans = db.prepare('SELECT count(*) AS n FROM tube_ground_truth WHERE tube_id NOT IN (SELECT id FROM tubes)').get() as { n: number };
    assert.equal(orphans.n, 0);
  } finally {
    db.close();
  }
});

test('the database ground truth of a split reads back as an eval set with 2D projected by the stored cameras', () => {
  const path = join(dir, 'eval.db');
  const db = openDatabase(path);
  try {
    assert.throws(() => readGroundTruthEvalSet(db, path, 'test'), (error: unknown) => error instanceof BadInputFileError && /no mocap3d tubes in the test split/.test(error.reason));
    const tube = syntheticTube('synth-s3-000-squat', 'test', 3, 0.5);
    replaceSyntheticTubes(db, 'synth-s3-', [tube, syntheticTube('synth-s3-001-walk', 'train', 2, 0)]);
    const set = readGroundTruthEvalSet(db, path, 'test');
    assert.equal(set.fps, 25);
    assert.deepEqual(set.sequences.map((s) => [s.name, s.frameCount]), [['synth-s3-000-squat', 3]]);
    const cameras = Float32Array.from(tube.groundTruth.flatMap((frame) => [...frame.camera!]));
    const joints = Float32Array.from(tube.groundTruth.flatMap((frame) => [...frame.joints3d]));
    const expected = projectToCrop(joints, cameras, 14);
    const got = set.sequences[0]!.joints2d!;
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(got[i]! - expected[i]!) < 1e-4);
    assert.ok(set.sequences[0]!.visible!.every((flag) => flag === 1));
  } finally {
    db.close();
  }
});
