/**
 * Maximum-likelihood training of the pose flow: minimise the mean −log p(θ) of pose-bank batches
 * with Adam. Whole clips are held out (every tenth, when there are ten or more) so the held-out
 * likelihood measures poses the flow has not seen rather than neighbours of training frames.
 *
 * Training poses get Gaussian noise of std `noiseStd` (dequantisation): many pose-bank joints never
 * move (synthetic hands and feet, for instance), and a density on a point has no finite likelihood.
 * The standardisation's std includes that noise, so such joints become plain N(0, 1) dimensions.
 *
 * Every random draw (batches, noise) is seeded by (seed, step), so a resumed run continues exactly
 * as the uninterrupted one would have.
 */
import { InterruptedError, TrainingDivergedError, UsageError } from '../errors.js';
import * as tf from '../tf/tf.js';
import { hasFlow, readFlow, writeFlow, type FlowTrainingRecord } from './flow-file.js';
import { DEFAULT_POSE_FLOW, FLOW_POSE_DIMS, SMPL_POSE_LENGTH, type FlowArchitecture } from './flow-architecture.js';
import { initialFlowWeights, PoseFlow, type FlowNormalization } from './pose-flow.js';

/** One clip of the pose bank: frames × 72 SMPL axis-angle. */
export interface PoseClip {
  source: string;
  poses: Float32Array;
}

export interface FlowTrainOptions {
  outDir: string;
  clips: readonly PoseClip[];
  /** Where the clips came from, recorded in the manifest; a resumed run must name the same source. */
  source: string;
  /** Total steps the run should reach (a resumed run continues up to it). */
  steps: number;
  seed: number;
  resume: boolean;
  architecture?: FlowArchitecture;
  batchSize?: number;
  learningRate?: number;
  noiseStd?: number;
  checkpointEvery?: number;
  signal?: AbortSignal;
  onStep?: (report: FlowStepReport) => void;
}

export interface FlowStepReport {
  /** The step this run started from (0, or the resumed prior's). */
  startStep: number;
  step: number;
  totalSteps: number;
  /** Mean −log p(θ) of the step's batch, nats per pose. */
  nll: number;
}

export interface FlowTrainSummary {
  outDir: string;
  startStep: number;
  training: FlowTrainingRecord;
}

const HELD_OUT_EVERY = 10;
const HELD_OUT_MAX_POSES = 4096;

/** The 23 non-root joints of every frame of the clips, frames × 69, and which clips were held out. */
export function splitPoseClips(clips: readonly PoseClip[]): { train: Float32Array; heldOut: Float32Array } {
  const hold = clips.length >= HELD_OUT_EVERY;
  const pick = (keep: (i: number) => boolean) => {
    const chosen = clips.filter((_, i) => keep(i));
    const frames = chosen.reduce((sum, clip) => sum + clip.poses.length / SMPL_POSE_LENGTH, 0);
    const out = new Float32Array(frames * FLOW_POSE_DIMS);
    let row = 0;
    for (const clip of chosen) {
      for (let f = 0; f < clip.poses.length / SMPL_POSE_LENGTH; f++, row++) {
        out.set(clip.poses.subarray(f * SMPL_POSE_LENGTH + SMPL_POSE_LENGTH - FLOW_POSE_DIMS, (f + 1) * SMPL_POSE_LENGTH), row * FLOW_POSE_DIMS);
      }
    }
    return out;
  };
  return { train: pick((i) => !hold || i % HELD_OUT_EVERY !== HELD_OUT_EVERY - 1), heldOut: hold ? pick((i) => i % HELD_OUT_EVERY === HELD_OUT_EVERY - 1) : new Float32Array(0) };
}

/** Per-dimension mean and std of rows [N × dims], the std widened by the training noise. */
export function fitNormalization(rows: Float32Array, dims: number, noiseStd: number): FlowNormalization {
  const count = rows.length / dims;
  const mean = new Float64Array(dims);
  const squares = new Float64Array(dims);
  for (let i = 0; i < count; i++) for (let d = 0; d < dims; d++) mean[d] += rows[i * dims + d]! / count;
  for (let i = 0; i < count; i++) for (let d = 0; d < dims; d++) squares[d] += (rows[i * dims + d]! - mean[d]!) ** 2 / count;
  // A floor keeps a constant dimension usable even with zero noise.
  return { mean: Float32Array.from(mean), std: Float32Array.from(squares, (v) => Math.max(Math.sqrt(v + noiseStd * noiseStd), 1e-3)) };
}

/** Mean −log p of rows [N × dims] (nats per row), in chunks. */
export function meanNll(flow: PoseFlow, rows: Float32Array): number {
  const dims = flow.architecture.dims;
  const count = rows.length / dims;
  let total = 0;
  for (let start = 0; start < count; start += 1024) {
    const n = Math.min(1024, count - start);
    total += tf.tidy(() => -tf.sum(flow.logProb(tf.tensor2d(rows.subarray(start * dims, (start + n) * dims), [n, dims]))).dataSync()[0]!);
  }
  return total / count;
}

/**
 * `hmmr prior train`: fits (or, with `resume`, continues) a flow in `outDir`, writing the prior
 * every `checkpointEvery` steps, at the end, and when interrupted (then throwing InterruptedError).
 */
export async function trainPoseFlow(options: FlowTrainOptions): Promise<FlowTrainSummary> {
  const { outDir, signal } = options;
  const existing = hasFlow(outDir) ? readFlow(outDir) : undefined;
  if (existing && !options.resume) throw new UsageError(`${outDir} already holds a pose prior: add --resume to continue it, or choose another --out`);
  if (options.resume && !existing) throw new UsageError(`--resume: ${outDir} holds no pose prior to resume`);
  const { train, heldOut } = splitPoseClips(options.clips);
  if (train.length === 0) throw new UsageError('the pose source has no poses to train on');
  const trainCount = train.length / FLOW_POSE_DIMS;
  if (existing && (existing.training.source !== options.source || existing.training.trainPoses !== trainCount)) {
    throw new UsageError(`--resume: ${outDir} was trained on ${existing.training.source} (${existing.training.trainPoses} poses), not ${options.source} (${trainCount} poses)`);
  }

  const noiseStd = existing?.training.noiseStd ?? options.noiseStd ?? 0.02;
  const architecture = existing?.architecture ?? options.architecture ?? DEFAULT_POSE_FLOW;
  const batchSize = existing?.training.batchSize ?? options.batchSize ?? 256;
  const learningRate = existing?.training.learningRate ?? options.learningRate ?? 1e-3;
  const seed = existing?.training.seed ?? options.seed;
  const checkpointEvery = options.checkpointEvery ?? 200;
  const normalization = existing?.normalization ?? fitNormalization(train, FLOW_POSE_DIMS, noiseStd);
  const flow = new PoseFlow(architecture, normalization, existing?.weights ?? initialFlowWeights(architecture, seed));
  const optimizer = tf.train.adam(learningRate);
  const trainTensor = tf.tensor2d(train, [trainCount, FLOW_POSE_DIMS]);
  const startStep = existing?.training.step ?? 0;
  const record: FlowTrainingRecord = existing?.training ?? {
    source: options.source,
    trainPoses: trainCount,
    heldOutPoses: heldOut.length / FLOW_POSE_DIMS,
    step: 0,
    totalSteps: options.steps,
    seed,
    batchSize,
    learningRate,
    noiseStd,
    trainNll: null,
    heldOutNll: null,
  };
  record.totalSteps = options.steps;
  // Held-out poses get the same kind of noise as training batches (one fixed draw), so the two
  // likelihoods measure the same density.
  const heldOutRows = heldOut.subarray(0, HELD_OUT_MAX_POSES * FLOW_POSE_DIMS);
  const heldOutNoisy = tf.tidy(() => tf.add(tf.tensor1d(heldOutRows), tf.randomNormal([heldOutRows.length], 0, noiseStd, 'float32', seed + 0.25)).dataSync() as Float32Array);
  const variables = [...flow.variables.values()];
  try {
    if (existing?.optimizer) {
      await optimizer.setWeights([
        { name: 'iter', tensor: tf.scalar(existing.optimizer.iterations, 'int32') },
        ...existing.optimizer.moments.map((values, i) => ({ name: `moment${i}`, tensor: tf.tensor(values, variables[i % variables.length]!.shape) })),
      ]);
    }
    const save = async (step: number) => {
      record.step = step;
      record.heldOutNll = heldOutNoisy.length > 0 ? meanNll(flow, heldOutNoisy) : null;
      const state = await optimizer.getWeights();
      const moments = state.slice(1).map(({ tensor }) => tensor.dataSync() as Float32Array);
      writeFlow(outDir, {
        architecture,
        normalization,
        training: { ...record },
        weights: flow.weightValues(),
        optimizer: moments.length > 0 ? { iterations: state[0]!.tensor.dataSync()[0]!, moments } : undefined,
      });
      // Only the iteration scalar is new; the moments are the optimizer's own variables.
      state[0]!.tensor.dispose();
    };

    for (let step = startStep; step < options.steps; step++) {
      // Yield so a SIGINT is noticed between steps.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) {
        await save(step);
        throw new InterruptedError();
      }
      const stepSeed = seed * 1_000_003 + step;
      const cost = optimizer.minimize(
        () =>
          tf.tidy(() => {
            const rows = tf.gather(trainTensor, tf.randomUniform([batchSize], 0, trainCount, 'int32', stepSeed));
            const noisy = tf.add(rows, tf.randomNormal(rows.shape, 0, noiseStd, 'float32', stepSeed + 0.5));
            return tf.neg(tf.mean(flow.logProb(noisy as tf.Tensor2D))) as tf.Scalar;
          }),
        true,
        variables,
      )!;
      const nll = cost.dataSync()[0]!;
      cost.dispose();
      if (!Number.isFinite(nll)) throw new TrainingDivergedError(outDir, `non-finite −log p at step ${step + 1}; the last written prior is kept`);
      record.trainNll = nll;
      options.onStep?.({ startStep, step: step + 1, totalSteps: options.steps, nll });
      if ((step + 1) % checkpointEvery === 0 && step + 1 < options.steps) await save(step + 1);
    }
    await save(Math.max(startStep, options.steps));
    return { outDir, startStep, training: { ...record } };
  } finally {
    optimizer.dispose();
    trainTensor.dispose();
    flow.dispose();
  }
}
