import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TubeFrame } from '../../src/domain.js';
import { openDatabase } from '../../src/store/database.js';
import { insertTubes, listTubes, loadTubes, type TubeToStore } from '../../src/store/tubes.js';

const scratch = mkdtempSync(join(tmpdir(), 'hmmr-tubes-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function sampleTube(name: string, firstFrame: number, frameCount: number, split: TubeToStore['split'] = 'train'): TubeToStore {
  // No detection ids: these tubes have no label run (as synthetic ones); track-video tests cover ids.
  const frames: TubeFrame[] = Array.from({ length: frameCount }, (_, i) => ({
    frameIndex: firstFrame + i,
    keypoints: Float32Array.from({ length: 54 }, (_, k) => (k % 3 === 2 ? 0.5 : firstFrame + i + k * 0.25)),
    box: { x: 10 + i, y: 20, width: 30.5, height: 60.25 },
    crop: { centerX: 25.25 + i, centerY: 50.125, scale: 150 / Math.hypot(30.5, 60.25) },
  }));
  return { name, trackId: 3, keypointFormat: 'coco18', tier: 'pseudo2d', split, fps: 25, frames };
}

test('tubes and frames read back exactly, filtered by tier and split', () => {
  const db = openDatabase(join(scratch, 'a.db'));
  try {
    const tubes = [sampleTube('synthetic/a', 5, 4), sampleTube('synthetic/b', 0, 3, 'val')];
    const ids = db.transaction(() => insertTubes(db, tubes, { trackRunId: null, videoId: null }))();
    assert.equal(ids.length, 2);
    const loaded = loadTubes(db, { tier: 'pseudo2d', split: 'train' });
    assert.equal(loaded.length, 1);
    const [tube] = loaded;
    assert.equal(tube!.id, ids[0]);
    assert.deepEqual(
      { name: tube!.name, trackId: tube!.trackId, firstFrame: tube!.firstFrame, frameCount: tube!.frameCount, fps: tube!.fps, trackRunId: tube!.trackRunId, videoId: tube!.videoId },
      { name: 'synthetic/a', trackId: 3, firstFrame: 5, frameCount: 4, fps: 25, trackRunId: null, videoId: null },
    );
    assert.deepEqual(tube!.frames, tubes[0]!.frames);
    assert.deepEqual(listTubes(db, { split: 'val' }).map((t) => t.name), ['synthetic/b']);
    assert.equal(listTubes(db, { tier: 'mocap3d' }).length, 0);
  } finally {
    db.close();
  }
});
