import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTrainConfig, presetConfig } from '../../src/train/config.js';
import { ValidationTracker } from '../../src/train/loop.js';
import { learningRateFactor } from '../../src/train/lr-schedule.js';
import type { ValidationLine } from '../../src/train/metrics-log.js';
import { Adam } from '../../src/train/optim/adam.js';
import { adamOptions, clipGradientsByGlobalNorm, StepTotals } from '../../src/train/train-step.js';
import type { TrainingSequence } from '../../src/train/data/sequence.js';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

test('warm-up rises linearly from the first step, then the cosine falls to the final fraction at the last step', () => {
  const optim = { warmupSteps: 4, decay: 'cosine' as const, finalLrFraction: 0.1 };
  // Worked by hand: warm-up step/4; after it, 0.1 + 0.9·(1 + cos(π·(step − 4)/10))/2 for a 14-step run.
  close(learningRateFactor(1, 14, optim), 0.25, 'step 1');
  close(learningRateFactor(2, 14, optim), 0.5, 'step 2');
  close(learningRateFactor(4, 14, optim), 1, 'end of warm-up');
  close(learningRateFactor(9, 14, optim), 0.55, 'half-way down (cos π/2 = 0)');
  close(learningRateFactor(14, 14, optim), 0.1, 'last step');
  // cos(π/10) = 0.9510565…: 0.1 + 0.45·1.9510565 = 0.97797…
  close(learningRateFactor(5, 14, optim), 0.1 + 0.45 * (1 + Math.cos(Math.PI / 10)), 'first decayed step');
  // Past the horizon (a run extended without --resume's larger total) it stays at the floor.
  close(learningRateFactor(20, 14, optim), 0.1, 'past the last step');
});

test('a constant schedule is 1 after the warm-up, and 1 from the start without one', () => {
  close(learningRateFactor(3, 100, { warmupSteps: 10, decay: 'constant', finalLrFraction: 0.5 }), 0.3, 'warm-up');
  close(learningRateFactor(50, 100, { warmupSteps: 10, decay: 'constant', finalLrFraction: 0.5 }), 1, 'after');
  close(learningRateFactor(1, 100, { warmupSteps: 0, decay: 'constant', finalLrFraction: 0.5 }), 1, 'no warm-up');
  close(learningRateFactor(1, 100, { warmupSteps: 0, decay: 'cosine', finalLrFraction: 0 }), (1 + Math.cos(Math.PI / 100)) / 2, 'cosine from step 1');
});

test('global-norm clipping scales every gradient by max/norm, keeping the direction, and leaves small ones alone', () => {
  const grads = new Map([
    ['a', Float32Array.of(3, 0)],
    ['b', Float32Array.of(0, -4)],
  ]);
  // ‖(3, 0, 0, −4)‖ = 5; bound 2 → factor 0.4.
  assert.equal(clipGradientsByGlobalNorm(grads, 5, 2), 0.4);
  assert.deepEqual(Array.from(grads.get('a')!), [Math.fround(1.2), 0]);
  assert.deepEqual(Array.from(grads.get('b')!), [0, Math.fround(-1.6)]);
  const norm = Math.hypot(...grads.get('a')!, ...grads.get('b')!);
  assert.ok(Math.abs(norm - 2) < 1e-6, `clipped norm ${norm}`);
  // Under the bound, or with clipping off (0), nothing changes.
  assert.equal(clipGradientsByGlobalNorm(grads, 2, 10), 1);
  assert.equal(clipGradientsByGlobalNorm(grads, 2, 0), 1);
  assert.deepEqual(Array.from(grads.get('a')!), [Math.fround(1.2), 0]);
});

const with3d = { groundTruth: {} } as TrainingSequence;

test('validation keeps the lowest MPJPE as best and counts passes without one for early stopping', () => {
  const tracker = new ValidationTracker([with3d], true, [], 2);
  const passes = [200, 150, 160, 140, 145, 146].map((mpjpeMm, i) => tracker.record((i + 1) * 50, { mpjpeMm, paMpjpeMm: mpjpeMm / 2, frames: 100 }));
  assert.deepEqual(passes.map((line) => line.best), [true, true, false, true, false, false]);
  assert.equal(tracker.best?.step, 200);
  assert.equal(tracker.best?.mpjpeMm, 140);
  assert.equal(tracker.exhausted, true, 'two passes in a row without a new best');
  // A resumed run rebuilds the same state from the logged lines.
  const resumed = new ValidationTracker([with3d], true, passes.slice(0, 5), 2);
  assert.equal(resumed.best?.step, 200);
  assert.equal(resumed.exhausted, false, 'one pass since the best');
  assert.equal(resumed.record(300, { mpjpeMm: 139, paMpjpeMm: 70, frames: 100 }).best, true);
  // Patience 0 never stops; no 3D sequence, or validateEvery 0, never validates.
  const patient = new ValidationTracker([with3d], true, passes, 0);
  assert.equal(patient.exhausted, false);
  assert.equal(new ValidationTracker([{} as TrainingSequence], true, [], 0).dueAt(50, 50, 100), false);
  assert.equal(new ValidationTracker([with3d], true, [], 0).dueAt(50, 0, 100), false);
  const due = new ValidationTracker([with3d], true, [], 0);
  assert.deepEqual([49, 50, 99, 100, 101].map((step) => due.dueAt(step, 50, 101)), [false, true, false, true, true]);
});

test('schedule.bestMetric pa_mpjpe keeps the lowest PA-MPJPE as best, whatever the MPJPE does', () => {
  // The shape seen at 2000 steps (docs/results.md): MPJPE flat and noisy while PA-MPJPE keeps falling.
  const scores = [
    [130, 83],
    [135, 72],
    [142, 66],
    [154, 67],
    [144, 63],
  ];
  const byPa = new ValidationTracker([with3d], true, [], 2, 'pa_mpjpe');
  const lines = scores.map(([mpjpeMm, paMpjpeMm], i) => byPa.record((i + 1) * 100, { mpjpeMm: mpjpeMm!, paMpjpeMm: paMpjpeMm!, frames: 100 }));
  assert.deepEqual(lines.map((line) => line.best), [true, true, true, false, true]);
  assert.equal(byPa.best?.step, 500);
  assert.equal(byPa.exhausted, false, 'the last pass was a new best');
  assert.equal(byPa.metricName, 'PA-MPJPE');
  const byMpjpe = new ValidationTracker([with3d], true, [], 2);
  scores.forEach(([mpjpeMm, paMpjpeMm], i) => byMpjpe.record((i + 1) * 100, { mpjpeMm: mpjpeMm!, paMpjpeMm: paMpjpeMm!, frames: 100 }));
  assert.equal(byMpjpe.best?.step, 100, 'the default picks the lowest MPJPE');
  assert.equal(byMpjpe.exhausted, true);
});

test('with validation off there is nothing to validate on, whatever was logged', () => {
  const line: ValidationLine = { kind: 'validation', step: 10, time: '', mpjpeMm: 1, paMpjpeMm: 1, frames: 1, best: true };
  assert.equal(new ValidationTracker([with3d], false, [line], 0).sequences.length, 0, 'disabled: nothing to validate on');
});

test('the schedule, clipping and validation keys are range-checked, naming the key', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ optim: { decay: 'linear' } }, /'optim.decay' must be one of constant, cosine/],
    [{ optim: { warmupSteps: -1 } }, /'optim.warmupSteps'/],
    [{ optim: { finalLrFraction: 2 } }, /'optim.finalLrFraction'/],
    [{ optim: { gradClipNorm: -5 } }, /'optim.gradClipNorm'/],
    [{ data: { validationFraction: 1 } }, /'data.validationFraction'/],
    [{ schedule: { validateEvery: 1.5 } }, /'schedule.validateEvery'/],
    [{ schedule: { earlyStopPatience: -1 } }, /'schedule.earlyStopPatience'/],
    [{ schedule: { bestMetric: 'pck' } }, /'schedule.bestMetric' must be one of mpjpe, pa_mpjpe/],
  ];
  for (const [json, message] of bad) assert.throws(() => parseTrainConfig(json, 'c.json'), message);
  const ok = parseTrainConfig({ optim: { warmupSteps: 0, decay: 'constant', gradClipNorm: 0 }, schedule: { validateEvery: 0, earlyStopPatience: 3 } }, 'c.json');
  assert.deepEqual([ok.optim.decay, ok.schedule.earlyStopPatience], ['constant', 3]);
});

test('a step clips the encoder gradient to the bound its optimiser carries, and reports the norm before clipping', () => {
  const config = presetConfig('tiny')!;
  config.optim.gradClipNorm = 2;
  const encoder = new Adam(new Map([['w', Float32Array.of(0, 0)]]), adamOptions(config, 'encoder'));
  const discriminator = new Adam(new Map([['d', Float32Array.of(0)]]), adamOptions(config, 'discriminator'));
  const totals = new StepTotals(1);
  totals.add({ encoderLoss: 1, discriminatorLoss: undefined, terms: { kp: 1 } });
  const encoderGrads = new Map([['w', Float32Array.of(6, 8)]]);
  const discriminatorGrads = new Map([['d', Float32Array.of(100)]]);
  const outcome = totals.finish(encoderGrads, discriminatorGrads, { encoder, discriminator, adversarial: true });
  assert.equal(outcome.encoderGradNorm, 10);
  // ‖(6, 8)‖ = 10 → ×0.2; the discriminator is never clipped.
  assert.deepEqual(Array.from(encoderGrads.get('w')!), [Math.fround(1.2), Math.fround(1.6)]);
  assert.deepEqual(Array.from(discriminatorGrads.get('d')!), [100]);
});
