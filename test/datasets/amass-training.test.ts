import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { AMASS } from '../../scripts/dataset-fixtures/known-values.js';
import { BadInputFileError } from '../../src/errors.js';
import { openDatabase } from '../../src/store/database.js';
import { choosePoseBank } from '../../src/train/data/real-poses.js';
import type { TrainingSequence } from '../../src/train/data/sequence.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';

const dir = tempDir('hmmr-amass-train-');
const db = join(dir, 'hmmr.db');

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

/** The fixture clip at 25 fps: 12 frames at 120 fps give source frames 0, 5, 10; SMPL's hand joints are zero. */
const AMASS_AT_25_FPS = [0, 5, 10].flatMap((source) => Array.from({ length: 72 }, (_, k) => (k < 66 ? AMASS.pose(source, k) : 0)));

/** One training sequence whose 2 frames carry SMPL pose ground truth 0.25 everywhere. */
const tubeWithSmpl = { frameCount: 2, groundTruth: { pose: new Float32Array(144).fill(0.25), hasSmpl: new Uint8Array([1, 1]) } } as unknown as TrainingSequence;

function withDb<T>(path: string, use: (store: ReturnType<typeof openDatabase>) => T): T {
  const store = openDatabase(path);
  try {
    return use(store);
  } finally {
    store.close();
  }
}

before(async () => {
  await cli(['synth', '--db', db, '--out', join(dir, 'synth'), '--sequences', '3', '--frames', '24', '--test-fraction', '0', '--seed', '5', '--backend', 'cpu']);
  await cli(['--db', db, 'import', 'amass', fixture('amass')]);
});

test('data.poseBank chooses the real poses: the store (AMASS) when filled, else the tubes; store when empty is an error', () => {
  withDb(db, (store) => {
    for (const setting of ['auto', 'store'] as const) {
      const chosen = choosePoseBank(setting, store, db, [tubeWithSmpl]);
      assert.equal(chosen.source, 'store');
      assert.deepEqual(Array.from(chosen.bank.poses), AMASS_AT_25_FPS);
      assert.match(chosen.description, /the store's pose bank \(1 clips, 3 frames/);
    }
    const tubes = choosePoseBank('tubes', store, db, [tubeWithSmpl]);
    assert.equal(tubes.source, 'tubes');
    assert.deepEqual(Array.from(tubes.bank.poses), new Array(144).fill(0.25));
  });
  const empty = join(tempDir(), 'empty.db');
  withDb(empty, (store) => {
    const auto = choosePoseBank('auto', store, empty, [tubeWithSmpl]);
    assert.equal(auto.source, 'tubes');
    assert.match(auto.description, /SMPL ground truth of the training tubes \(2 frames, the store has no pose bank\)/);
    assert.throws(() => choosePoseBank('store', store, empty, [tubeWithSmpl]), (error: unknown) => error instanceof BadInputFileError && error.path === empty && /pose bank is empty/.test(error.reason));
  });
});

async function trainOneStep(name: string, poseBank: string, threads: number): Promise<{ output: string; dPose: number }> {
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify({ extends: 'tiny', data: { poseBank }, schedule: { logEvery: 1 } }));
  const out = join(dir, name);
  const output = await cli(['train', '--db', db, '--out', out, '--config', config, '--steps', '1', '--seed', '4', '--threads', String(threads), '--backend', 'wasm']);
  const line = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')[0]!) as { terms: Record<string, number> };
  return { output, dPose: line.terms.d_pose! };
}

test('hmmr train feeds the discriminator the AMASS pose bank, says so, and the tubes when asked', async () => {
  const store = await trainOneStep('store', 'auto', 1);
  assert.match(store.output, /real poses for the adversarial prior: the store's pose bank \(1 clips, 3 frames/);
  assert.match(store.output, /adversarial prior: real poses from the store's pose bank, 3 frames/);
  const tubes = await trainOneStep('tubes', 'tubes', 1);
  assert.match(tubes.output, /adversarial prior: real poses from SMPL of the training tubes, 72 frames/);
  // Same seed, data and initial weights: only the real poses differ, so the discriminator's loss does.
  assert.ok(Number.isFinite(store.dPose) && Number.isFinite(tubes.dPose));
  assert.notEqual(store.dPose, tubes.dPose);
  // Gradient workers get the chosen bank through shared memory: there too the discriminator loss follows it.
  const parallel = await trainOneStep('parallel', 'store', 2);
  assert.match(parallel.output, /2 gradient threads/);
  assert.match(parallel.output, /real poses from the store's pose bank, 3 frames/);
  const parallelTubes = await trainOneStep('parallel-tubes', 'tubes', 2);
  assert.notEqual(parallel.dPose, parallelTubes.dPose);
});
