import * as tf from '../../tf/tf.js';
import type { ModelConfig } from '../config.js';
import { Rng } from '../rng.js';
import { initialTheta, POSE_OFFSET, POSE_SIZE, THETA_SIZE } from '../theta.js';
import { Dense } from './dense.js';
import { PoseDiscriminator } from './discriminator.js';
import type { Dropout } from './dropout.js';
import { Hallucinator } from './hallucinator.js';
import { IterativeRegressor } from './iterative-regressor.js';
import { constant, ParameterSet } from './parameters.js';
import { TemporalEncoder } from './temporal-encoder.js';

/** What f_3D and the Δt heads give for one batch of frames (rows = frames, [N, ·]). */
export interface FramePredictions {
  /** Θ [N, 85]. */
  theta: tf.Tensor2D;
  /** Pose at t − Δt [N, 72] (camera solved in closed form, β copied from Θ). */
  past?: tf.Tensor2D;
  /** Pose at t + Δt [N, 72]. */
  future?: tf.Tensor2D;
}

export interface SequencePredictions {
  /** Movie strip Φ [B·T, width], rows in (sequence, frame) order. */
  movieStrip: tf.Tensor2D;
  current: FramePredictions;
  /** The same heads run on the hallucinator's Φ̂ (training and --image). */
  hallucinated?: FramePredictions & { movieStrip: tf.Tensor2D };
}

/**
 * The HMMR encoder side (everything the encoder optimiser trains): feature embedding →
 * temporal encoder f_movie → f_3D, the Δt heads and the hallucinator. Parameter names are stable
 * and are what checkpoints store.
 */
export class HmmrNetwork {
  readonly params: ParameterSet;
  private readonly embedding: Dense | undefined;
  private readonly encoder: TemporalEncoder | undefined;
  private readonly meanTheta: tf.Variable;
  private readonly regressor: IterativeRegressor;
  private readonly pastHead: IterativeRegressor | undefined;
  private readonly futureHead: IterativeRegressor | undefined;
  private readonly hallucinator: Hallucinator | undefined;

  constructor(
    readonly config: ModelConfig,
    readonly featureDims: number,
    rng: Rng,
  ) {
    this.params = new ParameterSet(rng);
    const { width } = config;
    // A learned linear embedding brings features of any size (75 for keypoints) to the encoder
    // width; a backbone already producing `width` numbers is used as is, as in the paper.
    this.embedding = featureDims === width ? undefined : new Dense(this.params.scope('embedding'), featureDims, width, 'linear');
    this.encoder = config.temporal
      ? new TemporalEncoder(this.params.scope('temporal_encoder'), { width, blocks: config.encoderBlocks, groups: config.groupNormGroups, epsilon: config.groupNormEpsilon })
      : undefined;
    this.meanTheta = this.params.create('mean_theta', [1, THETA_SIZE], constant(initialTheta()));
    const ief = { featureWidth: width, hidden: config.iefHidden, iterations: config.iefIterations };
    this.regressor = new IterativeRegressor(this.params.scope('f3d'), { ...ief, stateSize: THETA_SIZE });
    if (config.deltaHeads) {
      this.pastHead = new IterativeRegressor(this.params.scope('f_past'), { ...ief, stateSize: POSE_SIZE });
      this.futureHead = new IterativeRegressor(this.params.scope('f_future'), { ...ief, stateSize: POSE_SIZE });
    }
    if (config.hallucinator) this.hallucinator = new Hallucinator(this.params.scope('hallucinator'), width, config.hallucinatorHidden);
  }

  get hasHallucinator(): boolean {
    return this.hallucinator !== undefined;
  }

  /** Raw features [B, T, F] → φ [B, T, width]. */
  embed(features: tf.Tensor3D): tf.Tensor3D {
    if (!this.embedding) return features;
    const [b, t, f] = features.shape;
    return tf.reshape(this.embedding.apply(tf.reshape(features, [b * t, f])), [b, t, this.config.width]);
  }

  /**
   * Windows of raw features [B, T, F] → predictions for every frame. `dropout` present = training.
   * With `hallucinate`, Φ̂ = h(φ) goes through the same heads; real and hallucinated rows share one
   * pass through each regressor (one matMul of twice the rows is cheaper than two).
   */
  forward(features: tf.Tensor3D, options: { dropout?: Dropout; hallucinate?: boolean } = {}): SequencePredictions {
    const [b, t] = features.shape;
    const width = this.config.width;
    const phi = this.embed(features);
    const strip = tf.reshape(this.encoder ? this.encoder.apply(phi) : phi, [b * t, width]) as tf.Tensor2D;
    if (!(options.hallucinate && this.hallucinator)) return { movieStrip: strip, current: this.heads(strip, options.dropout) };
    const hallucinatedStrip = this.hallucinator.apply(tf.reshape(phi, [b * t, width]));
    const both = this.heads(tf.concat([strip, hallucinatedStrip], 0), options.dropout);
    const half = (x: tf.Tensor2D | undefined, index: 0 | 1) => (x ? (tf.split(x, 2, 0)[index] as tf.Tensor2D) : undefined);
    return {
      movieStrip: strip,
      current: { theta: half(both.theta, 0)!, past: half(both.past, 0), future: half(both.future, 0) },
      hallucinated: { movieStrip: hallucinatedStrip, theta: half(both.theta, 1)!, past: half(both.past, 1), future: half(both.future, 1) },
    };
  }

  /** Single frames' raw features [N, F] → present/past/future through the hallucinator (`--image`). */
  hallucinateFrames(features: tf.Tensor2D): FramePredictions {
    if (!this.hallucinator) throw new Error('this model has no hallucinator');
    const phi = this.embedding ? this.embedding.apply(features) : features;
    return this.heads(this.hallucinator.apply(phi));
  }

  /** f_3D from the trainable mean Θ, then each Δt head starting from the current pose. */
  private heads(strip: tf.Tensor2D, dropout?: Dropout): FramePredictions {
    const n = strip.shape[0];
    const start = tf.tile(this.meanTheta, [n, 1]) as tf.Tensor2D;
    const theta = this.regressor.apply(strip, start, dropout);
    if (!this.pastHead || !this.futureHead) return { theta };
    const pose = tf.slice(theta, [0, POSE_OFFSET], [n, POSE_SIZE]);
    return {
      theta,
      past: this.pastHead.apply(strip, pose, dropout),
      future: this.futureHead.apply(strip, pose, dropout),
    };
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Encoder side plus the discriminator, each with its own parameter set (two optimisers). */
export interface HmmrModel {
  network: HmmrNetwork;
  discriminator: PoseDiscriminator;
  discriminatorParams: ParameterSet;
}

/** Builds a freshly initialised model; the same seed gives the same weights. */
export function createHmmrModel(config: ModelConfig, featureDims: number, seed: number): HmmrModel {
  const rng = new Rng(seed);
  const network = new HmmrNetwork(config, featureDims, rng);
  const discriminatorParams = new ParameterSet(rng);
  const discriminator = new PoseDiscriminator(discriminatorParams.scope('discriminator'), {
    jointChannels: config.discriminatorJointChannels,
    hidden: config.discriminatorHidden,
  });
  return { network, discriminator, discriminatorParams };
}

export function disposeHmmrModel(model: HmmrModel): void {
  model.network.dispose();
  model.discriminatorParams.dispose();
}
