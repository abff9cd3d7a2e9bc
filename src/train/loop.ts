import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import type { BodyModel } from '../body/types.js';
import { TrainingDivergedError, UsageError } from '../errors.js';
import type { TrainConfig } from './config.js';
import { latestCheckpointDir, readCheckpoint, writeCheckpoint, type CheckpointContent, type FeatureIdentity } from './checkpoint.js';
import { assertSequenceShapes, type TrainingSequence } from './data/sequence.js';
import { PoseBank, WindowSampler } from './data/windows.js';
import { MetricsLog, type MetricsLine } from './metrics-log.js';
import { createHmmrModel, disposeHmmrModel } from './nn/hmmr-network.js';
import { Rng } from './rng.js';
import { ParallelTrainer } from './parallel/parallel-trainer.js';
import { Trainer, type StepTrainer } from './train-step.js';

export interface TrainRunOptions {
  outDir: string;
  config: TrainConfig;
  /** Total steps the run should reach (a resumed run continues up to it); default schedule.steps. */
  steps?: number;
  resume: boolean;
  seed: number;
  sequences: readonly TrainingSequence[];
  body: BodyModel;
  features: FeatureIdentity;
  signal?: AbortSignal;
  /**
   * Gradient threads. 1 trains in this thread with `body`; more start that many workers, each
   * with its own backend (`backend`) and its own copy of the body model named by the config.
   */
  threads?: number;
  backend?: string;
  /** Called after every step (progress display). */
  onStep?: (report: StepReport) => void;
  /** Called for human-readable notes (resume point, adversarial off, checkpoint written). */
  onNote?: (message: string) => void;
}

export interface StepReport {
  /** The step the run started from (0, or the resumed checkpoint's). */
  startStep: number;
  step: number;
  totalSteps: number;
  stepsPerSec: number;
  encoderLoss: number;
}

export interface TrainRunSummary {
  startStep: number;
  endStep: number;
  totalSteps: number;
  stepsRun: number;
  stepsPerSec: number;
  msPerStep: number;
  lastMetrics: MetricsLine | undefined;
  checkpointDir: string | undefined;
  interrupted: boolean;
  adversarial: boolean;
  parameterCount: { encoder: number; discriminator: number };
  threads: number;
}

/**
 * Trains (or resumes training) into `outDir`: checkpoints every `schedule.checkpointEvery` steps,
 * at the end and on interruption; metrics.jsonl every `schedule.logEvery` steps. A non-finite
 * loss stops the run with TrainingDivergedError before the bad update is applied, leaving the
 * last good checkpoint as the newest one.
 */
export async function runTraining(options: TrainRunOptions): Promise<TrainRunSummary> {
  const { outDir, body, sequences } = options;
  for (const sequence of sequences) assertSequenceShapes(sequence);
  const resumed = prepareRunFolder(outDir, options.resume);
  mkdirSync(outDir, { recursive: true });
  const config = resumed?.config ?? options.config;
  const seed = resumed?.seed ?? options.seed;
  if (resumed && resumed.features.extractor !== options.features.extractor) {
    throw new UsageError(`${outDir} was trained on '${resumed.features.extractor}' features, not '${options.features.extractor}'`);
  }
  const totalSteps = options.steps ?? config.schedule.steps;
  const sampler = new WindowSampler(sequences, { windowFrames: config.data.windowFrames, flipProbability: config.data.flipProbability, balanceTiers: config.data.balanceTiers });
  const poseBank = new PoseBank(sequences);
  const rng = new Rng(resumed?.rngState ?? deriveSeed(seed));
  const threads = options.threads ?? 1;
  const model = createHmmrModel(config.model, options.features.dims, seed);
  let trainer: StepTrainer;
  if (threads > 1) {
    try {
      trainer = await ParallelTrainer.start({ threads, backend: options.backend ?? 'wasm', config, seed, featureDims: options.features.dims, sequences, initial: model, sampler, poseBank, rng });
    } finally {
      // Workers hold their own copies; this one only supplied the starting weights and shapes.
      disposeHmmrModel(model);
    }
  } else {
    trainer = new Trainer(model, body, config, sampler, poseBank, rng);
  }
  try {
    if (resumed) {
      trainer.encoderOptimizer.importState(resumed.encoder.values, resumed.encoder.adam!);
      trainer.discriminatorOptimizer.importState(resumed.discriminator.values, resumed.discriminator.adam!);
      if (trainer instanceof Trainer) trainer.syncModel();
      options.onNote?.(`resuming from step ${resumed.step}`);
    }
    if (!trainer.adversarial) options.onNote?.('no sequence has SMPL ground truth to serve as real poses: the adversarial prior is off');

    const metrics = new MetricsLog(outDir);
    const startStep = resumed?.step ?? 0;
    metrics.truncateAfter(startStep);
    let step = startStep;
    let checkpointDir: string | undefined = resumed ? latestCheckpointDir(outDir) : undefined;
    const save = () => {
      checkpointDir = writeCheckpoint(outDir, trainerCheckpoint(trainer, { step, config, seed, features: options.features, bodyModel: body.name }), config.schedule.keepCheckpoints);
    };
    const started = performance.now();
    let windowStart = started;
    let windowSteps = 0;
    let lastMetrics: MetricsLine | undefined;
    let interrupted = false;
    while (step < totalSteps) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const outcome = await trainer.step();
      if (!outcome.finite) {
        const bad = Object.entries(outcome.terms).filter(([, value]) => !Number.isFinite(value)).map(([name, value]) => `${name}=${value}`);
        const kept = checkpointDir ? `the last good checkpoint ${checkpointDir} is kept` : 'no checkpoint had been written yet';
        throw new TrainingDivergedError(outDir, `training diverged at step ${step + 1}: non-finite ${bad.length > 0 ? bad.join(', ') : `gradient (norm ${outcome.encoderGradNorm})`}; the update was not applied and ${kept}; try a lower learning rate`);
      }
      step++;
      windowSteps++;
      const now = performance.now();
      const stepsPerSec = (windowSteps * 1000) / Math.max(1e-9, now - windowStart);
      options.onStep?.({ startStep, step, totalSteps, stepsPerSec, encoderLoss: outcome.encoderLoss });
      if (step % config.schedule.logEvery === 0 || step === totalSteps) {
        lastMetrics = {
          step,
          time: new Date().toISOString(),
          elapsedSec: (now - started) / 1000,
          stepsPerSec,
          msPerStep: 1000 / stepsPerSec,
          encoderLoss: outcome.encoderLoss,
          discriminatorLoss: outcome.discriminatorLoss ?? null,
          encoderGradNorm: outcome.encoderGradNorm,
          terms: outcome.terms,
        };
        metrics.append(lastMetrics);
        windowStart = now;
        windowSteps = 0;
      }
      if (step % config.schedule.checkpointEvery === 0) save();
      // Let the event loop deliver SIGINT between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (step > startStep || !checkpointDir) save();
    const elapsed = (performance.now() - started) / 1000;
    const stepsRun = step - startStep;
    return {
      startStep,
      endStep: step,
      totalSteps,
      stepsRun,
      stepsPerSec: stepsRun / Math.max(elapsed, 1e-9),
      msPerStep: stepsRun > 0 ? (elapsed * 1000) / stepsRun : 0,
      lastMetrics,
      checkpointDir,
      interrupted,
      adversarial: trainer.adversarial,
      parameterCount: { encoder: countOf(trainer.shapes.encoder), discriminator: countOf(trainer.shapes.discriminator) },
      threads,
    };
  } finally {
    await trainer.close();
    if (trainer instanceof Trainer) disposeHmmrModel(model);
  }
}

/** Refuses to mix runs: a fresh run needs a folder without checkpoints; --resume needs one. */
function prepareRunFolder(outDir: string, resume: boolean): CheckpointContent | undefined {
  const latest = existsSync(outDir) ? latestCheckpointDir(outDir) : undefined;
  if (resume) {
    if (!latest) throw new UsageError(`--resume: ${outDir} holds no checkpoint to resume from`);
    return readCheckpoint(latest, { withOptimizer: true });
  }
  if (latest || (existsSync(outDir) && readdirSync(outDir).some((name) => name.startsWith('ckpt-')))) {
    throw new UsageError(`${outDir} already holds a training run; pass --resume to continue it or choose another --out`);
  }
  return undefined;
}

/** Everything a checkpoint stores about a trainer at `step`. */
export function trainerCheckpoint(trainer: StepTrainer, run: Pick<CheckpointContent, 'step' | 'config' | 'seed' | 'features' | 'bodyModel'>): CheckpointContent {
  const side = (optimizer: StepTrainer['encoderOptimizer'], shapes: Map<string, readonly number[]>) => ({
    shapes,
    values: optimizer.parameterValues(),
    adam: optimizer.exportState(),
  });
  return {
    ...run,
    rngState: trainer.rng.state,
    encoder: side(trainer.encoderOptimizer, trainer.shapes.encoder),
    discriminator: side(trainer.discriminatorOptimizer, trainer.shapes.discriminator),
  };
}

function countOf(shapes: ReadonlyMap<string, readonly number[]>): number {
  let total = 0;
  for (const shape of shapes.values()) total += shape.reduce((a, b) => a * b, 1);
  return total;
}

/** The training stream's seed, kept apart from the initialisation stream's. */
function deriveSeed(seed: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ 0x9e3779b9) >>> 0;
}
