import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { InterruptedError } from '../../src/errors.js';
import { readFlow } from '../../src/prior/flow-file.js';
import { splitPoseClips, trainPoseFlow, type FlowTrainOptions } from '../../src/prior/train-flow.js';
import { generatorPoseClips } from '../../src/synth/pose-clips.js';
import { initBackend } from '../../src/tf/backend.js';
import { tempDir } from '../helpers/temp-dir.js';

before(async () => {
  await initBackend('wasm');
});

const clips = generatorPoseClips(10, 40, 25, 3);
const options = (outDir: string, steps: number, resume = false): FlowTrainOptions => ({
  outDir,
  clips,
  source: 'generator test clips',
  steps,
  seed: 5,
  resume,
  architecture: { dims: 69, couplingLayers: 2, hidden: 8, scaleBound: 2 },
  batchSize: 32,
  checkpointEvery: 2,
});

test('every tenth clip is held out, as whole clips of the 23 non-root joints', () => {
  const { train, heldOut } = splitPoseClips(clips);
  assert.equal(train.length, 9 * 40 * 69);
  assert.equal(heldOut.length, 40 * 69);
  // The held-out rows are clip 9's poses without the root's three values.
  assert.deepEqual(Array.from(heldOut.subarray(0, 69)), Array.from(clips[9]!.poses.subarray(3, 72)));
});

test('interrupted and resumed, the prior ends with the weights of an uninterrupted run', async () => {
  const dir = tempDir('hmmr-flow-train-');
  const straight = join(dir, 'straight');
  await trainPoseFlow(options(straight, 6));
  const split = join(dir, 'split');
  const controller = new AbortController();
  await assert.rejects(
    trainPoseFlow({ ...options(split, 6), signal: controller.signal, onStep: (report) => report.step === 3 && controller.abort() }),
    InterruptedError,
  );
  assert.equal(readFlow(split).training.step, 3, 'the interruption wrote the prior at the step it reached');
  await trainPoseFlow(options(split, 6, true));
  const [a, b] = [readFlow(straight), readFlow(split)];
  assert.equal(b.training.step, 6);
  for (const [name, values] of a.weights) assert.deepEqual(Array.from(b.weights.get(name)!), Array.from(values), name);
  assert.ok(a.training.heldOutNll !== null && a.training.heldOutNll === b.training.heldOutNll);
});
