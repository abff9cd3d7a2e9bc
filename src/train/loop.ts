import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyModel } from '../body/types.js';
import { TrainingDivergedError, UsageError } from '../errors.js';
import { posePriorOf, type BestMetric, type TrainConfig } from './config.js';
import { latestCheckpointDir, readCheckpoint, writeCheckpoint, type CheckpointContent, type FeatureIdentity } from './checkpoint.js';
import { assertSequenceShapes, type TrainingSequence } from './data/sequence.js';
import { keepGroundTruthShare } from './data/ground-truth-share.js';
import { PoseBank, WindowSampler } from './data/windows.js';
import { learningRateFactor } from './lr-schedule.js';
import { MetricsLog, type MetricsLine, type ValidationLine } from './metrics-log.js';
import { createHmmrModel, disposeHmmrModel, HmmrNetwork } from './nn/hmmr-network.js';
import { temporalMargin } from './predict.js';
import { Rng } from './rng.js';
import { ParallelTrainer } from './parallel/parallel-trainer.js';
import { Trainer, type StepTrainer } from './train-step.js';
import { validateNetwork } from './validation.js';

/** The run folder's subfolder holding the checkpoint with the best validation score (schedule.bestMetric; a run folder of its own). */
export const BEST_CHECKPOINT_DIR = 'best';

export interface TrainRunOptions {
  outDir: string;
  config: TrainConfig;
  /** Total steps the run should reach (a resumed run continues up to it); default schedule.steps. */
  steps?: number;
  resume: boolean;
  /**
   * Starting weights for a fresh run (fine-tuning, e.g. from the shipped models/hmmr-embedded): the
   * encoder and discriminator values of a checkpoint with the same model; Adam starts afresh at step 0.
   */
  init?: Pick<CheckpointContent, 'encoder' | 'discriminator'>;
  seed: number;
  sequences: readonly TrainingSequence[];
  /** The discriminator's real poses (real-poses.ts chooses); default: the sequences' SMPL ground truth. */
  poseBank?: PoseBank;
  /** Held-out sequences with 3D ground truth, scored every `schedule.validateEvery` steps (none: no validation). */
  validation?: readonly TrainingSequence[];
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
  /** The latest validation pass and the best so far, once there is one. */
  validation?: { latest: ValidationLine; best: ValidationLine };
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
  /** True when early stopping ended the run before totalSteps. */
  stoppedEarly: boolean;
  /** The best validation pass (its checkpoint is in best/), when the run validates. */
  best: (ValidationLine & { checkpointDir: string }) | undefined;
  validationSequences: number;
  adversarial: boolean;
  parameterCount: { encoder: number; discriminator: number };
  threads: number;
}

/**
 * Trains (or resumes training) into `outDir`: checkpoints every `schedule.checkpointEvery` steps,
 * at the end and on interruption; metrics.jsonl every `schedule.logEvery` steps. The learning
 * rates follow the warm-up/decay schedule over `totalSteps`. With validation sequences, every
 * `schedule.validateEvery` steps (and at the end) the model is scored on them, a line is logged,
 * a new best is written to best/, and `schedule.earlyStopPatience` passes without one stop the run.
 * A non-finite loss stops the run with TrainingDivergedError before the bad update is applied,
 * leaving the last good checkpoint as the newest one.
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
  const { data, model: modelConfig, schedule } = config;
  // Prediction pads each tube end with the encoder's half receptive field of blank frames (planWindows).
  const padFrames = data.padEnds ? temporalMargin(modelConfig) : 0;
  // The discriminator's reals are every training pose (or the store's bank), those of tubes whose 3D is withheld included.
  const poseBank = options.poseBank ?? new PoseBank(sequences);
  const supervised = keepGroundTruthShare(sequences, data.groundTruthFraction ?? 1, seed);
  const sampler = new WindowSampler(supervised, { windowFrames: data.windowFrames, flipProbability: data.flipProbability, balanceTiers: data.balanceTiers, padFrames });
  const rng = new Rng(resumed?.rngState ?? deriveSeed(seed));
  const threads = options.threads ?? 1;
  const model = createHmmrModel(config.model, options.features.dims, seed);
  let trainer: StepTrainer;
  if (threads > 1) {
    try {
      trainer = await ParallelTrainer.start({ threads, backend: options.backend ?? 'wasm', config, seed, featureDims: options.features.dims, sequences: supervised, initial: model, sampler, poseBank, rng });
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
    } else if (options.init) {
      trainer.encoderOptimizer.setParameterValues(options.init.encoder.values);
      trainer.discriminatorOptimizer.setParameterValues(options.init.discriminator.values);
      if (trainer instanceof Trainer) trainer.syncModel();
    }
    if (posePriorOf(config) !== 'adversarial') options.onNote?.(`pose prior: ${posePriorOf(config)} (flow prior ${config.flow.path})`);
    if (!trainer.adversarial && poseBank.size === 0 && posePriorOf(config) !== 'flow') options.onNote?.('no real poses (no pose bank, no SMPL ground truth among the tubes): the adversarial prior is off');

    const metrics = new MetricsLog(outDir);
    const startStep = resumed?.step ?? 0;
    metrics.truncateAfter(startStep);
    let step = startStep;
    let checkpointDir: string | undefined = resumed ? latestCheckpointDir(outDir) : undefined;
    const snapshot = () => trainerCheckpoint(trainer, { step, config, seed, features: options.features, bodyModel: body.name });
    const save = () => {
      checkpointDir = writeCheckpoint(outDir, snapshot(), schedule.keepCheckpoints);
    };
    const validation = new ValidationTracker(options.validation ?? [], schedule.validateEvery > 0, metrics.validationLines(), schedule.earlyStopPatience, schedule.bestMetric);
    const bestDir = join(outDir, BEST_CHECKPOINT_DIR);
    let bestCheckpointDir = validation.best ? latestCheckpointDir(bestDir) : undefined;
    let validationNetwork: HmmrNetwork | undefined;
    const validate = () => {
      // The in-process trainer's model holds the current weights; threaded training keeps them
      // only in the optimiser, so a prediction-only copy is loaded from there.
      let network: HmmrNetwork;
      if (trainer instanceof Trainer) network = trainer.model.network;
      else {
        validationNetwork ??= new HmmrNetwork(modelConfig, options.features.dims, new Rng(seed));
        validationNetwork.params.load(trainer.encoderOptimizer.parameterValues());
        network = validationNetwork;
      }
      const score = validateNetwork(network, body, validation.sequences, data.windowFrames);
      const line = validation.record(step, score);
      metrics.append(line);
      if (line.best) bestCheckpointDir = writeCheckpoint(bestDir, snapshot(), 1);
    };
    let stoppedEarly = false;
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
      const factor = learningRateFactor(step + 1, totalSteps, config.optim);
      trainer.encoderOptimizer.options.learningRate = config.optim.encoderLr * factor;
      trainer.discriminatorOptimizer.options.learningRate = config.optim.discriminatorLr * factor;
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
      const validated = validation.dueAt(step, schedule.validateEvery, totalSteps);
      if (validated) validate();
      options.onStep?.({ startStep, step, totalSteps, stepsPerSec, encoderLoss: outcome.encoderLoss, validation: validation.report() });
      if (step % schedule.logEvery === 0 || step === totalSteps) {
        lastMetrics = {
          step,
          time: new Date().toISOString(),
          elapsedSec: (now - started) / 1000,
          stepsPerSec,
          msPerStep: 1000 / stepsPerSec,
          encoderLoss: outcome.encoderLoss,
          discriminatorLoss: outcome.discriminatorLoss ?? null,
          encoderGradNorm: outcome.encoderGradNorm,
          learningRate: trainer.encoderOptimizer.options.learningRate,
          terms: outcome.terms,
        };
        metrics.append(lastMetrics);
        windowStart = now;
        windowSteps = 0;
      }
      if (step % schedule.checkpointEvery === 0) save();
      // Judged at validations only, so a resumed run that had stopped early trains to its next one.
      if (validated && validation.exhausted) {
        stoppedEarly = step < totalSteps;
        options.onNote?.(`early stop at step ${step}: no better validation ${validation.metricName} in ${schedule.earlyStopPatience} validations since step ${validation.best!.step}`);
        break;
      }
      // Let the event loop deliver SIGINT between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    validationNetwork?.dispose();
    if (step > startStep || !checkpointDir) save();
    return {
      startStep,
      endStep: step,
      totalSteps,
      ...runSpeed(step - startStep, started),
      lastMetrics,
      checkpointDir,
      interrupted,
      stoppedEarly,
      best: validation.best && bestCheckpointDir ? { ...validation.best, checkpointDir: bestCheckpointDir } : undefined,
      validationSequences: validation.sequences.length,
      adversarial: trainer.adversarial,
      parameterCount: { encoder: countOf(trainer.shapes.encoder), discriminator: countOf(trainer.shapes.discriminator) },
      threads,
    };
  } finally {
    await trainer.close();
    if (trainer instanceof Trainer) disposeHmmrModel(model);
  }
}

/** Steps run since `started` (a performance.now() time) and their speed, for a run summary. */
export function runSpeed(stepsRun: number, started: number): Pick<TrainRunSummary, 'stepsRun' | 'stepsPerSec' | 'msPerStep'> {
  const elapsed = (performance.now() - started) / 1000;
  return { stepsRun, stepsPerSec: stepsRun / Math.max(elapsed, 1e-9), msPerStep: stepsRun > 0 ? (elapsed * 1000) / stepsRun : 0 };
}

/** Refuses to mix runs: a fresh run needs a folder without checkpoints; --resume needs one. */
export function prepareRunFolder(outDir: string, resume: boolean): CheckpointContent | undefined {
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
export function deriveSeed(seed: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ 0x9e3779b9) >>> 0;
}

/**
 * When to validate, the best pass so far and the early-stopping count. Restored from the
 * validation lines of metrics.jsonl, so a resumed run keeps its best and its patience.
 */
export class ValidationTracker {
  readonly sequences: readonly TrainingSequence[];
  best: ValidationLine | undefined;
  private latest: ValidationLine | undefined;
  private sinceBest = 0;

  constructor(
    sequences: readonly TrainingSequence[],
    enabled: boolean,
    logged: readonly ValidationLine[],
    private readonly patience: number,
    private readonly metric: BestMetric = 'mpjpe',
  ) {
    this.sequences = enabled ? sequences.filter((sequence) => sequence.groundTruth) : [];
    for (const line of logged) this.observe(line);
  }

  /** Every `every` steps and at the last step, when there is something to validate on. */
  dueAt(step: number, every: number, totalSteps: number): boolean {
    return this.sequences.length > 0 && every > 0 && (step % every === 0 || step === totalSteps);
  }

  /** 'MPJPE' or 'PA-MPJPE': the score that picks the best pass. */
  get metricName(): string {
    return this.metric === 'pa_mpjpe' ? 'PA-MPJPE' : 'MPJPE';
  }

  /** A new pass: the line to log, marked best when its score (schedule.bestMetric) beats every earlier pass. */
  record(step: number, score: { mpjpeMm: number; paMpjpeMm: number; frames: number }): ValidationLine {
    const scoreOf = (line: { mpjpeMm: number; paMpjpeMm: number }) => (this.metric === 'pa_mpjpe' ? line.paMpjpeMm : line.mpjpeMm);
    const line: ValidationLine = { kind: 'validation', step, time: new Date().toISOString(), ...score, best: !this.best || scoreOf(score) < scoreOf(this.best) };
    this.observe(line);
    return line;
  }

  /** Patience is on and that many passes in a row brought no new best. */
  get exhausted(): boolean {
    return this.patience > 0 && this.sinceBest >= this.patience;
  }

  report(): { latest: ValidationLine; best: ValidationLine } | undefined {
    return this.latest && this.best ? { latest: this.latest, best: this.best } : undefined;
  }

  private observe(line: ValidationLine): void {
    this.latest = line;
    if (line.best) {
      this.best = line;
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
    }
  }
}
