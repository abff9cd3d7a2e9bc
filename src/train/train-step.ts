import type { BodyModel } from '../body/types.js';
import * as tf from './tf.js';
import type { TrainConfig } from './config.js';
import { assembleBatch, type PoseBank, type TrainingBatch, type WindowSampler } from './data/windows.js';
import { Dropout } from './nn/dropout.js';
import type { HmmrModel } from './nn/hmmr-network.js';
import type { ParameterSet } from './nn/parameters.js';
import { batchToTensors, discriminatorObjective, disposeBatchTensors, encoderObjective } from './objective.js';
import { Adam } from './optim/adam.js';
import type { Rng } from './rng.js';
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

/**
 * One optimiser step of HMMR: sample a batch of windows, run it in micro-batches (summing
 * gradients), then one Adam update for the encoder and one for the discriminator, both computed
 * from the same pre-update weights as the reference's joint sess.run.
 */
export class Trainer {
  readonly encoderOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  readonly adversarial: boolean;

  constructor(
    readonly model: HmmrModel,
    private readonly body: BodyModel,
    private readonly config: TrainConfig,
    private readonly sampler: WindowSampler,
    private readonly poseBank: PoseBank,
    /** Windows, flips, dropout masks and discriminator reals all come from here. */
    readonly rng: Rng,
  ) {
    const { optim } = config;
    const adam = (learningRate: number) => ({ learningRate, beta1: optim.beta1, beta2: optim.beta2, epsilon: optim.epsilon });
    this.encoderOptimizer = new Adam(model.network.params, adam(optim.encoderLr));
    this.discriminatorOptimizer = new Adam(model.discriminatorParams, adam(optim.discriminatorLr));
    // Without real poses there is nothing to tell fakes from: both adversarial terms are left out.
    this.adversarial = poseBank.size > 0 && (config.loss.advEncoder > 0 || config.loss.advDiscriminator > 0);
  }

  step(): StepOutcome {
    const { data } = this.config;
    const samples = this.sampler.sample(this.rng, data.batchSize);
    const microBatches = data.batchSize / data.microBatch;
    const encoderGrads = new Map<string, Float32Array>();
    const discriminatorGrads = new Map<string, Float32Array>();
    const termSums: Record<string, number> = {};
    let encoderLoss = 0;
    let discriminatorLoss: number | undefined;
    for (let i = 0; i < microBatches; i++) {
      const batch = assembleBatch(samples.slice(i * data.microBatch, (i + 1) * data.microBatch), data.windowFrames, data.visibilityThreshold);
      const outcome = this.microStep(batch, encoderGrads, discriminatorGrads, 1 / microBatches);
      encoderLoss += outcome.encoderLoss / microBatches;
      if (outcome.discriminatorLoss !== undefined) discriminatorLoss = (discriminatorLoss ?? 0) + outcome.discriminatorLoss / microBatches;
      for (const [name, value] of Object.entries(outcome.terms)) termSums[name] = (termSums[name] ?? 0) + value / microBatches;
    }
    if (discriminatorLoss !== undefined) termSums.d_pose = discriminatorLoss;
    const encoderGradNorm = Math.sqrt(sumOfSquares(encoderGrads));
    const finite = Number.isFinite(encoderLoss) && Number.isFinite(encoderGradNorm) && Object.values(termSums).every(Number.isFinite) && Number.isFinite(sumOfSquares(discriminatorGrads));
    if (finite) {
      this.encoderOptimizer.apply(encoderGrads);
      if (this.adversarial) this.discriminatorOptimizer.apply(discriminatorGrads);
    }
    return { terms: termSums, encoderLoss, discriminatorLoss, encoderGradNorm, finite };
  }

  private microStep(batch: TrainingBatch, encoderGrads: Map<string, Float32Array>, discriminatorGrads: Map<string, Float32Array>, scale: number) {
    const tensors = batchToTensors(batch);
    const dropout = new Dropout(this.rng, this.config.model.dropoutRate);
    let fakeRotations: tf.Tensor3D | undefined;
    let termTensors = new Map<string, tf.Scalar>();
    try {
      const encoderLoss = accumulateGradients(
        () => {
          const objective = encoderObjective(this.model, this.body, tensors, this.config, { dropout, adversarial: this.adversarial });
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
        const reals = tf.tensor2d(this.poseBank.sample(this.rng, fakes.shape[0]), [fakes.shape[0], POSE_SIZE]);
        try {
          const weight = this.config.loss.advDiscriminator;
          discriminatorLoss = accumulateGradients(() => tf.mul(weight, discriminatorObjective(this.model, reals, fakes)) as tf.Scalar, this.model.discriminatorParams, discriminatorGrads, scale) / (weight || 1);
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
      const data = grad.dataSync() as Float32Array;
      let sum = into.get(name);
      if (!sum) {
        sum = new Float32Array(data.length);
        into.set(name, sum);
      }
      for (let i = 0; i < data.length; i++) sum[i] += scale * data[i]!;
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
