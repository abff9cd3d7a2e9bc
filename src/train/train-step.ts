import type { BodyModel } from '../body/types.js';
import { readFloat32 } from '../tf/heap-view.js';
import * as tf from '../tf/tf.js';
import { loadPoseFlow } from '../prior/flow-file.js';
import type { PoseFlow } from '../prior/pose-flow.js';
import { posePriorOf, type TrainConfig } from './config.js';
import { assembleBatch, type PoseBank, type WindowSample, type WindowSampler } from './data/windows.js';
import { Dropout } from './nn/dropout.js';
import type { HmmrModel } from './nn/hmmr-network.js';
import type { ParameterSet } from './nn/parameters.js';
import { batchToTensors, discriminatorObjective, disposeBatchTensors, encoderObjective } from './objective.js';
import { Adam, type AdamOptions } from './optim/adam.js';
import { Rng } from './rng.js';
import { POSE_SIZE } from './theta.js';

export interface StepOutcome {
  /** Unweighted loss terms (mean over micro-batches), plus d_pose when the discriminator trains. */
  terms: Record<string, number>;
  encoderLoss: number;
  discriminatorLoss: number | undefined;
  encoderGradNorm: number;
  /** False when a loss or gradient was NaN/∞; the parameters were then left untouched. */
  finite: boolean;
}

/** What the training loop needs of a trainer, in-process (Trainer) or spread over threads (ParallelTrainer). */
export interface StepTrainer {
  readonly encoderOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  readonly rng: Rng;
  readonly adversarial: boolean;
  readonly shapes: { encoder: Map<string, readonly number[]>; discriminator: Map<string, readonly number[]> };
  step(): Promise<StepOutcome>;
  close(): Promise<void>;
}

/** One micro-batch's losses (its gradients went into the caller's maps). */
export interface MicroOutcome {
  encoderLoss: number;
  discriminatorLoss: number | undefined;
  terms: Record<string, number>;
}

/**
 * Without real poses there is nothing to tell fakes from: both adversarial terms are then left out;
 * so they are when the config's pose prior is the flow alone.
 */
export function adversarialEnabled(config: TrainConfig, poseBank: PoseBank): boolean {
  return posePriorOf(config) !== 'flow' && poseBank.size > 0 && (config.loss.advEncoder > 0 || config.loss.advDiscriminator > 0);
}

/** The flow prior named by the config when its pose prior is 'flow' or 'both' (on the current backend). */
export function loadFlowPrior(config: TrainConfig): PoseFlow | undefined {
  return posePriorOf(config) === 'adversarial' ? undefined : loadPoseFlow(config.flow.path);
}

/**
 * Adam's options plus the global-norm bound its gradients are clipped to before each update (0: no
 * clipping; the discriminator's is always 0). The bound travels with the optimiser so that every
 * trainer (in-process or threaded) clips in StepTotals.finish, and the loop's learning-rate
 * schedule writes `learningRate` here before each step.
 */
export interface TrainingAdamOptions extends AdamOptions {
  gradClipNorm: number;
}

export function adamOptions(config: TrainConfig, side: 'encoder' | 'discriminator'): TrainingAdamOptions {
  const { optim } = config;
  return {
    learningRate: side === 'encoder' ? optim.encoderLr : optim.discriminatorLr,
    beta1: optim.beta1,
    beta2: optim.beta2,
    epsilon: optim.epsilon,
    gradClipNorm: side === 'encoder' ? optim.gradClipNorm : 0,
  };
}

/**
 * Global-norm clipping (as tf.clip_by_global_norm): when the L2 norm over every gradient exceeds
 * `maxNorm` > 0, all of them are scaled in place by maxNorm / norm, so the direction is kept and
 * the norm becomes maxNorm. Returns the factor applied (1 when nothing was clipped).
 */
export function clipGradientsByGlobalNorm(grads: ReadonlyMap<string, Float32Array>, norm: number, maxNorm: number): number {
  if (!(maxNorm > 0) || !(norm > maxNorm)) return 1;
  const factor = maxNorm / norm;
  for (const values of grads.values()) for (let i = 0; i < values.length; i++) values[i] = values[i]! * factor;
  return factor;
}

/**
 * The micro-batches of one step: the windows drawn from the run's stream, split into groups of
 * `microBatch`, each with its own seed for dropout masks and discriminator reals. Drawing every
 * seed from the run's stream makes a step's randomness independent of which thread computes which
 * micro-batch.
 */
export function planStep(sampler: WindowSampler, rng: Rng, batchSize: number, microBatch: number): { samples: WindowSample[]; seed: number }[] {
  const samples = sampler.sample(rng, batchSize);
  const plan: { samples: WindowSample[]; seed: number }[] = [];
  for (let i = 0; i < batchSize; i += microBatch) plan.push({ samples: samples.slice(i, i + microBatch), seed: rng.nextUint32() });
  return plan;
}

/** Forward + backward of micro-batches on one model (one thread). */
export class GradientComputer {
  private readonly flow: PoseFlow | undefined;

  constructor(
    readonly model: HmmrModel,
    private readonly body: BodyModel,
    private readonly config: TrainConfig,
    private readonly poseBank: PoseBank,
    readonly adversarial: boolean,
  ) {
    this.flow = loadFlowPrior(config);
  }

  dispose(): void {
    this.flow?.dispose();
  }

  /** Gradients of one micro-batch, scaled by `scale` and added into the maps (by parameter name). */
  accumulate(samples: readonly WindowSample[], seed: number, encoderGrads: Map<string, Float32Array>, discriminatorGrads: Map<string, Float32Array>, scale: number): MicroOutcome {
    const { data, model: modelConfig } = this.config;
    const rng = new Rng(seed);
    const tensors = batchToTensors(assembleBatch(samples, data.windowFrames, data.visibilityThreshold));
    const dropout = new Dropout(rng, modelConfig.dropoutRate);
    let fakeRotations: tf.Tensor3D | undefined;
    let termTensors = new Map<string, tf.Scalar>();
    try {
      const encoderLoss = accumulateGradients(
        () => {
          const objective = encoderObjective(this.model, this.body, tensors, this.config, { dropout, adversarial: this.adversarial, flow: this.flow });
          fakeRotations = tf.keep(objective.fakeRotations);
          termTensors = new Map([...objective.terms].map(([name, value]) => [name, tf.keep(value)]));
          return objective.total;
        },
        this.model.network.params,
        encoderGrads,
        scale,
      );
      const terms = Object.fromEntries([...termTensors].map(([name, value]) => [name, value.dataSync()[0]!]));
      let discriminatorLoss: number | undefined;
      if (this.adversarial && fakeRotations) {
        const fakes = fakeRotations;
        const reals = tf.tensor2d(this.poseBank.sample(rng, fakes.shape[0]), [fakes.shape[0], POSE_SIZE]);
        try {
          const weight = this.config.loss.advDiscriminator;
          const weighted = accumulateGradients(() => tf.mul(weight, discriminatorObjective(this.model, reals, fakes)) as tf.Scalar, this.model.discriminatorParams, discriminatorGrads, scale);
          discriminatorLoss = weighted / (weight || 1);
        } finally {
          reals.dispose();
        }
      }
      return { encoderLoss, discriminatorLoss, terms };
    } finally {
      tf.dispose([...termTensors.values()]);
      fakeRotations?.dispose();
      disposeBatchTensors(tensors);
    }
  }
}

/** Sums micro-batch outcomes into a step's losses (each micro-batch weighs equally). */
export class StepTotals {
  readonly terms: Record<string, number> = {};
  encoderLoss = 0;
  discriminatorLoss: number | undefined;

  constructor(private readonly microBatches: number) {}

  add(outcome: MicroOutcome): void {
    this.encoderLoss += outcome.encoderLoss / this.microBatches;
    if (outcome.discriminatorLoss !== undefined) this.discriminatorLoss = (this.discriminatorLoss ?? 0) + outcome.discriminatorLoss / this.microBatches;
    for (const [name, value] of Object.entries(outcome.terms)) this.terms[name] = (this.terms[name] ?? 0) + value / this.microBatches;
  }

  /**
   * Checks everything for NaN/∞ and, when finite, clips the encoder gradient to its optimiser's
   * gradClipNorm and applies both optimisers. The reported encoderGradNorm is the norm before clipping.
   */
  finish(
    encoderGrads: ReadonlyMap<string, Float32Array>,
    discriminatorGrads: ReadonlyMap<string, Float32Array>,
    optimizers: { encoder: Adam; discriminator: Adam; adversarial: boolean },
    /** Σ g² of each side, when the caller already computed them while summing. */
    squaredNorms = { encoder: sumOfSquares(encoderGrads), discriminator: sumOfSquares(discriminatorGrads) },
  ): StepOutcome {
    const terms = { ...this.terms };
    if (this.discriminatorLoss !== undefined) terms.d_pose = this.discriminatorLoss;
    const encoderGradNorm = Math.sqrt(squaredNorms.encoder);
    const finite = Number.isFinite(this.encoderLoss) && Number.isFinite(encoderGradNorm) && Object.values(terms).every(Number.isFinite) && Number.isFinite(squaredNorms.discriminator);
    if (finite) {
      clipGradientsByGlobalNorm(encoderGrads, encoderGradNorm, (optimizers.encoder.options as Partial<TrainingAdamOptions>).gradClipNorm ?? 0);
      optimizers.encoder.apply(encoderGrads);
      if (optimizers.adversarial) optimizers.discriminator.apply(discriminatorGrads);
    }
    return { terms, encoderLoss: this.encoderLoss, discriminatorLoss: this.discriminatorLoss, encoderGradNorm, finite };
  }
}

/**
 * One optimiser step of HMMR in this thread: sample a batch of windows, run it in micro-batches
 * (summing gradients), then one Adam update for the encoder and one for the discriminator, both
 * from the same pre-update weights as the reference's joint sess.run.
 */
export class Trainer implements StepTrainer {
  readonly encoderOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  readonly adversarial: boolean;
  readonly shapes: StepTrainer['shapes'];
  private readonly computer: GradientComputer;

  constructor(
    readonly model: HmmrModel,
    body: BodyModel,
    private readonly config: TrainConfig,
    private readonly sampler: WindowSampler,
    poseBank: PoseBank,
    /** Windows, flips and the micro-batch seeds all come from here. */
    readonly rng: Rng,
  ) {
    this.encoderOptimizer = new Adam(model.network.params.values(), adamOptions(config, 'encoder'));
    this.discriminatorOptimizer = new Adam(model.discriminatorParams.values(), adamOptions(config, 'discriminator'));
    this.adversarial = adversarialEnabled(config, poseBank);
    this.shapes = { encoder: model.network.params.shapes(), discriminator: model.discriminatorParams.shapes() };
    this.computer = new GradientComputer(model, body, config, poseBank, this.adversarial);
  }

  /** Writes the optimisers' values into the model (after a restore). */
  syncModel(): void {
    this.model.network.params.load(this.encoderOptimizer.parameterValues());
    this.model.discriminatorParams.load(this.discriminatorOptimizer.parameterValues());
  }

  async step(): Promise<StepOutcome> {
    const { data } = this.config;
    const plan = planStep(this.sampler, this.rng, data.batchSize, data.microBatch);
    const encoderGrads = new Map<string, Float32Array>();
    const discriminatorGrads = new Map<string, Float32Array>();
    const totals = new StepTotals(plan.length);
    for (const micro of plan) totals.add(this.computer.accumulate(micro.samples, micro.seed, encoderGrads, discriminatorGrads, 1 / plan.length));
    const outcome = totals.finish(encoderGrads, discriminatorGrads, { encoder: this.encoderOptimizer, discriminator: this.discriminatorOptimizer, adversarial: this.adversarial });
    if (outcome.finite) this.syncModel();
    return outcome;
  }

  async close(): Promise<void> {
    this.computer.dispose();
  }
}

/**
 * Gradients of f with respect to a parameter set, scaled and added into `into` (by parameter
 * name); returns f's value. Parameters f does not reach get no entry (their gradient is zero).
 */
export function accumulateGradients(f: () => tf.Scalar, params: ParameterSet, into: Map<string, Float32Array>, scale: number): number {
  const nameOf = new Map(params.entries().map(([name, variable]) => [variable.name, name]));
  const { value, grads } = tf.variableGrads(f, params.variables());
  try {
    for (const [tfName, grad] of Object.entries(grads)) {
      const name = nameOf.get(tfName)!;
      const data = readFloat32(grad);
      const sum = into.get(name);
      if (!sum) {
        const scaled = new Float32Array(data.length);
        for (let i = 0; i < data.length; i++) scaled[i] = scale * data[i]!;
        into.set(name, scaled);
      } else {
        for (let i = 0; i < data.length; i++) sum[i] += scale * data[i]!;
      }
    }
    return value.dataSync()[0]!;
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

function sumOfSquares(grads: ReadonlyMap<string, Float32Array>): number {
  let total = 0;
  for (const values of grads.values()) for (let i = 0; i < values.length; i++) total += values[i]! * values[i]!;
  return total;
}
