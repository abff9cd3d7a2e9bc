import { mkdirSync } from 'node:fs';
import { TrainingDivergedError, UsageError } from '../../errors.js';
import { latestCheckpointDir, writeCheckpoint, type CheckpointContent } from '../checkpoint.js';
import { assertSequenceShapes, type TrainingSequence } from '../data/sequence.js';
import { deriveSeed, prepareRunFolder, runSpeed, type TrainRunOptions, type TrainRunSummary } from '../loop.js';
import { learningRateFactor } from '../lr-schedule.js';
import { MetricsLog, type MetricsLine } from '../metrics-log.js';
import { Dropout } from '../nn/dropout.js';
import { Adam } from '../optim/adam.js';
import { Rng } from '../rng.js';
import { accumulateGradients } from '../train-step.js';
import { BatchStatistics } from './batch-norm.js';
import { LifterSequence, sampleChunks } from './chunks.js';
import type { Vp3dConfig } from './config.js';
import { Vp3dLifter } from './lifter.js';
import { vp3dObjective } from './objective.js';

/** Which sequences train with their 3D and which as 2D-only tubes. */
export interface LifterSplit {
  labelled: TrainingSequence[];
  unlabelled: TrainingSequence[];
}

/**
 * The 3D tubes whose 3D is used: a seeded share `threeDFraction` of those with ground truth (at
 * least one), picked by a shuffle of the tube ids so a seed picks the same tubes in every run. The
 * rest, and every tube without 3D, are the 2D-only tubes (used when semi-supervised).
 */
export function splitForLifter(sequences: readonly TrainingSequence[], config: Pick<Vp3dConfig, 'threeDFraction'>, seed: number): LifterSplit {
  const withTruth = sequences.filter((sequence) => sequence.groundTruth).sort((a, b) => a.id.localeCompare(b.id));
  const rng = new Rng(deriveSeed(seed ^ 0x3d3d));
  for (let i = withTruth.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [withTruth[i], withTruth[j]] = [withTruth[j]!, withTruth[i]!];
  }
  const keep = new Set(withTruth.slice(0, Math.max(1, Math.round(withTruth.length * config.threeDFraction))));
  return { labelled: [...keep], unlabelled: sequences.filter((sequence) => !keep.has(sequence)) };
}

/**
 * Trains (or resumes) a VideoPose3D lifter into `outDir`, with the HMMR loop's run-folder contract:
 * the same checkpoint format (the `vp3d` config section records the model kind; `encoder/` holds
 * the trained weights with Adam's moments, `discriminator/` the batch-norm running statistics),
 * metrics.jsonl, the learning-rate schedule, resume, Ctrl-C, and a stop before a non-finite update.
 * One thread (the model is small); `threads` and validation do not apply.
 */
export async function runVp3dTraining(options: TrainRunOptions): Promise<TrainRunSummary> {
  const { outDir } = options;
  for (const sequence of options.sequences) assertSequenceShapes(sequence);
  const resumed = prepareRunFolder(outDir, options.resume);
  mkdirSync(outDir, { recursive: true });
  const config = resumed?.config ?? options.config;
  const seed = resumed?.seed ?? options.seed;
  const vp3d = config.vp3d;
  if (!vp3d) throw new Error(`config '${config.name}' has no vp3d section`);
  const totalSteps = options.steps ?? config.schedule.steps;
  const split = splitForLifter(options.sequences, vp3d, seed);
  if (split.labelled.length === 0) throw new UsageError('the VideoPose3D lifter needs tubes with 3D ground truth (mocap3d): none are selected');
  const visibility = config.data.visibilityThreshold;
  const labelled = split.labelled.map((sequence) => new LifterSequence(sequence, true, visibility));
  const unlabelled = vp3d.semiSupervised ? split.unlabelled.map((sequence) => new LifterSequence(sequence, false, visibility)) : [];

  const lifter = new Vp3dLifter(vp3d, options.features.dims, new Rng(seed));
  const adam = new Adam(lifter.params.values(), { learningRate: config.optim.encoderLr, beta1: config.optim.beta1, beta2: config.optim.beta2, epsilon: config.optim.epsilon });
  const rng = new Rng(resumed?.rngState ?? deriveSeed(seed));
  try {
    if (resumed) {
      adam.importState(resumed.encoder.values, resumed.encoder.adam!);
      lifter.params.load(adam.parameterValues());
      lifter.statistics.load(resumed.discriminator.values);
      options.onNote?.(`resuming from step ${resumed.step}`);
    }
    options.onNote?.(`vp3d: ${labelled.length} tubes with 3D, ${unlabelled.length} 2D-only tubes${vp3d.semiSupervised ? '' : ' (semi-supervised off: 2D-only tubes unused)'}; receptive field ${lifter.receptiveField} frames${vp3d.causal ? ', causal' : ''}`);
    const metrics = new MetricsLog(outDir);
    const startStep = resumed?.step ?? 0;
    metrics.truncateAfter(startStep);
    let step = startStep;
    let checkpointDir: string | undefined = resumed ? latestCheckpointDir(outDir) : undefined;
    const snapshot = (): CheckpointContent => ({
      step,
      config,
      seed,
      rngState: rng.state,
      features: options.features,
      bodyModel: options.body.name,
      encoder: { shapes: lifter.params.shapes(), values: adam.parameterValues(), adam: adam.exportState() },
      discriminator: { shapes: lifter.statistics.shapes(), values: lifter.statistics.values() },
    });
    const save = () => {
      checkpointDir = writeCheckpoint(outDir, snapshot(), config.schedule.keepCheckpoints);
    };
    const strided = vp3d.chunkFrames === 1;
    const dropout = new Dropout(rng, vp3d.dropoutRate);
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
      adam.options.learningRate = config.optim.encoderLr * learningRateFactor(step + 1, totalSteps, config.optim);
      const labelledBatch = sampleChunks(labelled, config.data.batchSize, vp3d.chunkFrames, lifter.context, config.data.flipProbability, rng);
      const semiActive = unlabelled.length > 0 && step >= vp3d.semiWarmupSteps;
      const unlabelledBatch = semiActive ? sampleChunks(unlabelled, config.data.batchSize, vp3d.chunkFrames, lifter.context, config.data.flipProbability, rng) : undefined;
      const statistics = new BatchStatistics();
      const gradients = new Map<string, Float32Array>();
      const terms: Record<string, number> = {};
      let loss: number;
      try {
        loss = accumulateGradients(
          () => {
            const objective = vp3dObjective(lifter, labelledBatch, unlabelledBatch, vp3d.loss, { statistics, dropout }, strided);
            for (const [name, value] of Object.entries(objective.terms)) terms[name] = value.dataSync()[0]!;
            return objective.total;
          },
          lifter.params,
          gradients,
          1,
        );
      } catch (error) {
        statistics.discard();
        throw error;
      }
      let squares = 0;
      for (const values of gradients.values()) for (let i = 0; i < values.length; i++) squares += values[i]! * values[i]!;
      const gradNorm = Math.sqrt(squares);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        statistics.discard();
        const kept = checkpointDir ? `the last good checkpoint ${checkpointDir} is kept` : 'no checkpoint had been written yet';
        throw new TrainingDivergedError(outDir, `training diverged at step ${step + 1}: non-finite loss ${loss} or gradient norm ${gradNorm}; the update was not applied and ${kept}; try a lower learning rate`);
      }
      adam.apply(gradients);
      lifter.params.load(adam.parameterValues());
      statistics.commit(vp3d.batchNormMomentum);
      step++;
      windowSteps++;
      const now = performance.now();
      const stepsPerSec = (windowSteps * 1000) / Math.max(1e-9, now - windowStart);
      options.onStep?.({ startStep, step, totalSteps, stepsPerSec, encoderLoss: loss });
      if (step % config.schedule.logEvery === 0 || step === totalSteps) {
        lastMetrics = {
          step,
          time: new Date().toISOString(),
          elapsedSec: (now - started) / 1000,
          stepsPerSec,
          msPerStep: 1000 / stepsPerSec,
          encoderLoss: loss,
          discriminatorLoss: null,
          encoderGradNorm: gradNorm,
          learningRate: adam.options.learningRate,
          terms,
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
    return {
      startStep,
      endStep: step,
      totalSteps,
      ...runSpeed(step - startStep, started),
      lastMetrics,
      checkpointDir,
      interrupted,
      stoppedEarly: false,
      best: undefined,
      validationSequences: 0,
      adversarial: false,
      parameterCount: { encoder: lifter.params.size, discriminator: 0 },
      threads: 1,
    };
  } finally {
    lifter.dispose();
  }
}
