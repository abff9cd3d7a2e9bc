import assert from 'node:assert/strict';
import { join } from 'node:path';
import { projectPath } from '../../src/util/project-root.js';
import { runCli } from '../helpers/run-cli.js';

/** The shipped clip: 448×600, 24 fps, 381 frames, H.264 in MP4; one table-tennis player. */
export const CLIP = projectPath('media', 'S02_tabletennis.mp4');

export interface TrackedTube {
  id: number;
  name: string;
  trackId: number;
  firstFrame: number;
  frameCount: number;
}

/**
 * A real database of the real clip, made as a user would: ingest, label with the shipped ONNX model
 * at 4 frames per second (64 frames, about half a minute of CPU), then track into tubes of at most
 * 20 frames so there are several to curate. Returns the tubes as `hmmr track --json` reported them.
 */
export async function labelledClipDatabase(dir: string): Promise<{ dbPath: string; tubes: TrackedTube[] }> {
  const dbPath = join(dir, 'clip.db');
  const db = ['--db', dbPath];
  for (const args of [['ingest', CLIP], ['label', '--quality', 'fast', '--fps', '4']]) {
    const result = await runCli([...args, ...db]);
    assert.equal(result.code, 0, result.stderr);
  }
  const tracked = await runCli(['track', '--min-tube', '10', '--max-tube', '20', '--json', ...db]);
  assert.equal(tracked.code, 0, tracked.stderr);
  const tubes = (JSON.parse(tracked.stdout) as { videos: { tubes: TrackedTube[] }[] }).videos[0]!.tubes;
  assert.ok(tubes.length >= 2, `the fixture needs at least two tubes, tracking gave ${tubes.length}`);
  return { dbPath, tubes };
}
