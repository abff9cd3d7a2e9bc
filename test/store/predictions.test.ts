import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { replaceSyntheticTubes } from '../../src/store/ground-truth.js';
import { findPredictionRun, finishPredictionRun, listPredictionRuns, openPredictionRun, predictedTubeIds, readTubePredictions, storeTubePrediction } from '../../src/store/predictions.js';
import { tempDir } from '../helpers/temp-dir.js';

function tubeWithFrames(name: string, frames: number) {
  return {
    name,
    trackId: 0,
    keypointFormat: 'hmmr25',
    tier: 'mocap3d' as const,
    split: 'test' as const,
    fps: 30,
    jointSet: 'lsp14',
    groundTruth: [],
    frames: Array.from({ length: frames }, (_, f) => ({
      frameIndex: 10 + f,
      keypoints: new Float32Array(75),
      box: { x: 0, y: 0, width: 1, height: 1 },
      crop: { centerX: 0, centerY: 0, scale: 1 },
    })),
  };
}

const prediction = (tubeId: number, frames: number, value: number, withDelta: boolean) => ({
  tubeId,
  frameIndices: Int32Array.from({ length: frames }, (_, f) => 10 + f),
  theta: Float32Array.from({ length: frames * 85 }, (_, i) => value + i),
  joints3d: Float32Array.from({ length: frames * 42 }, (_, i) => -value - i),
  ...(withDelta ? { pastPose: new Float32Array(frames * 72).fill(value), futurePose: new Float32Array(frames * 72).fill(-value) } : {}),
});

test('a prediction run is found again by checkpoint, step and settings; tubes are stored, replaced, read back and cascade-deleted', () => {
  const db = openDatabase(join(tempDir(), 'p.db'));
  try {
    const [a, b] = replaceSyntheticTubes(db, 'p/', [tubeWithFrames('p/a', 3), tubeWithFrames('p/b', 2)]) as [number, number];
    const run = { checkpoint: '/runs/x/ckpt-2', step: 2, config: { bodyModel: 'standin' }, settings: { split: 'test', videoId: null }, backend: 'wasm', jointSet: 'lsp14' };
    const first = openPredictionRun(db, run);
    assert.equal(first.resumed, false);
    storeTubePrediction(db, first.runId, prediction(a, 3, 1, true));
    assert.deepEqual([...predictedTubeIds(db, first.runId)], [a]);

    // Settings in another key order are the same settings; another split is another run.
    const again = openPredictionRun(db, { ...run, settings: { videoId: null, split: 'test' }, backend: 'cpu' });
    assert.deepEqual(again, { runId: first.runId, resumed: true });
    const other = openPredictionRun(db, { ...run, settings: { split: 'train', videoId: null } });
    assert.notEqual(other.runId, first.runId);

    storeTubePrediction(db, first.runId, prediction(b, 2, 5, false));
    storeTubePrediction(db, first.runId, prediction(b, 2, 7, false)); // replaces, no duplicates
    finishPredictionRun(db, first.runId);
    const record = findPredictionRun(db, first.runId)!;
    assert.deepEqual([record.status, record.tubeCount, record.frameCount, record.backend, record.config['bodyModel']], ['done', 2, 5, 'cpu', 'standin']);
    assert.ok(record.finishedAt !== null);
    assert.equal(findPredictionRun(db)!.id, other.runId, 'the latest run by default');

    const [readA, readB] = readTubePredictions(db, first.runId);
    assert.deepEqual(readA, { ...prediction(a, 3, 1, true), name: 'p/a', videoId: null, fps: 30 });
    assert.deepEqual(readB, { ...prediction(b, 2, 7, false), name: 'p/b', videoId: null, fps: 30, pastPose: undefined, futurePose: undefined });
    assert.deepEqual(readTubePredictions(db, first.runId, [b]).map((tube) => tube.tubeId), [b]);

    // Re-generating the tubes deletes their predictions with them.
    replaceSyntheticTubes(db, 'p/', [tubeWithFrames('p/a', 3)]);
    assert.deepEqual(readTubePredictions(db, first.runId), []);
    assert.equal(listPredictionRuns(db).length, 2);
  } finally {
    db.close();
  }
});
