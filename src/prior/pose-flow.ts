/**
 * A RealNVP normalizing flow over body pose (Dinh et al. 2017; the pose prior of Zanfir et al.,
 * ECCV 2020): an invertible map f from pose space to a latent z with a standard normal density,
 * so log p(θ) = log N(f(θ); 0, I) + log|det ∂f/∂θ| exactly.
 *
 * The latent's input is the 23 non-root joint rotations as SMPL axis-angle (69 values; the root is
 * the global orientation, which a pose prior should not judge: the discriminator leaves it out too),
 * standardised per dimension with the pose bank's mean and std. Zanfir et al. flow over their own
 * kinematic latent; axis-angle of the same 23 joints is the documented equivalent used here.
 *
 * Each coupling layer keeps the masked half x_m of its input and transforms the other half:
 *   y = x_m + (1 − m)·(x·exp(s(x_m)) + t(x_m)),   log|det| = Σ (1 − m)·s(x_m),
 * with s = scaleBound · tanh(·) (bounded, so no layer can blow a dimension up or collapse it) and
 * s, t from a small MLP (two tanh hidden layers; tanh keeps the map smooth). Layers come in pairs
 * whose masks are complements, and each pair splits the dimensions differently, so every
 * dimension is transformed conditioned on every other after a few pairs. The MLPs' output layers
 * start at zero: a fresh flow is the identity.
 */
import * as tf from '../tf/tf.js';
import { FLOW_POSE_DIMS, SMPL_POSE_LENGTH, type FlowArchitecture } from './flow-architecture.js';


/** Per-dimension standardisation of the input: x = (θ − mean) / std. */
export interface FlowNormalization {
  mean: Float32Array;
  std: Float32Array;
}

/** Weight tensors by name, in the fixed order `weightNames` gives. */
export type FlowWeights = Map<string, Float32Array>;

/**
 * Binary masks, one per layer: layer 2j keeps half A_j, layer 2j + 1 keeps its complement. Pair 0
 * splits even/odd dimensions; later pairs split by a fixed integer hash, so the masks are a pure
 * function of (dims, layers) and need not be stored.
 */
export function couplingMasks(dims: number, layers: number): Float32Array[] {
  const masks: Float32Array[] = [];
  for (let pair = 0; pair < layers / 2; pair++) {
    const order = Array.from({ length: dims }, (_, i) => i);
    if (pair > 0) {
      const key = (i: number) => Math.imul((i + 1) ^ Math.imul(pair, 0x27d4eb2d), 0x9e3779b1) >>> 0;
      order.sort((a, b) => key(a) - key(b));
    }
    const kept = new Float32Array(dims);
    order.forEach((dim, rank) => {
      kept[dim] = pair === 0 ? dim % 2 : rank < Math.floor(dims / 2) ? 1 : 0;
    });
    masks.push(kept, kept.map((value) => 1 - value));
  }
  return masks;
}

/** Shapes of every weight tensor, by name (the file order). */
export function weightShapes(architecture: FlowArchitecture): Map<string, number[]> {
  const { dims, hidden, couplingLayers } = architecture;
  const shapes = new Map<string, number[]>();
  for (let k = 0; k < couplingLayers; k++) {
    shapes.set(`layer${k}/w0`, [dims, hidden]);
    shapes.set(`layer${k}/b0`, [hidden]);
    shapes.set(`layer${k}/w1`, [hidden, hidden]);
    shapes.set(`layer${k}/b1`, [hidden]);
    shapes.set(`layer${k}/w2`, [hidden, 2 * dims]);
    shapes.set(`layer${k}/b2`, [2 * dims]);
  }
  return shapes;
}

/**
 * Fresh weights: Glorot-uniform hidden layers from a seeded stream, zero output layers (so the
 * untrained flow is the identity and training starts from the standardised Gaussian fit).
 */
export function initialFlowWeights(architecture: FlowArchitecture, seed: number): FlowWeights {
  const weights: FlowWeights = new Map();
  let call = 0;
  for (const [name, shape] of weightShapes(architecture)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (name.endsWith('w2') || shape.length === 1) {
      weights.set(name, new Float32Array(size));
      continue;
    }
    const limit = Math.sqrt(6 / (shape[0]! + shape[1]!));
    weights.set(name, tf.tidy(() => tf.randomUniform(shape, -limit, limit, 'float32', seed * 1000 + call++).dataSync() as Float32Array));
  }
  return weights;
}

function validateArchitecture(architecture: FlowArchitecture): void {
  const { dims, couplingLayers, hidden, scaleBound } = architecture;
  if (!Number.isInteger(dims) || dims < 2) throw new RangeError(`flow dims must be an integer ≥ 2, got ${dims}`);
  if (!Number.isInteger(couplingLayers) || couplingLayers < 2 || couplingLayers % 2 !== 0) throw new RangeError(`coupling layers must be an even integer ≥ 2, got ${couplingLayers}`);
  if (!Number.isInteger(hidden) || hidden < 1) throw new RangeError(`hidden width must be a positive integer, got ${hidden}`);
  if (!(scaleBound > 0)) throw new RangeError(`scale bound must be > 0, got ${scaleBound}`);
}

const LOG_2PI = Math.log(2 * Math.PI);

export class PoseFlow {
  /** Trainable variables by weight name. */
  readonly variables: Map<string, tf.Variable>;
  private readonly masks: tf.Tensor2D[];
  private readonly mean: tf.Tensor2D;
  private readonly std: tf.Tensor2D;
  /** Σ log std: the standardisation's own log-determinant. */
  readonly logStdSum: number;

  constructor(
    readonly architecture: FlowArchitecture,
    readonly normalization: FlowNormalization,
    weights: FlowWeights,
  ) {
    validateArchitecture(architecture);
    const { dims } = architecture;
    if (normalization.mean.length !== dims || normalization.std.length !== dims) throw new RangeError(`normalisation must have ${dims} values per vector`);
    if (!normalization.std.every((value) => value > 0 && Number.isFinite(value))) throw new RangeError('normalisation std must be finite and > 0');
    this.variables = new Map();
    for (const [name, shape] of weightShapes(architecture)) {
      const values = weights.get(name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (!values || values.length !== size) throw new RangeError(`flow weight '${name}' must have ${size} values, got ${values?.length ?? 'none'}`);
      this.variables.set(name, tf.variable(tf.tensor(values, shape), true));
    }
    this.masks = couplingMasks(dims, architecture.couplingLayers).map((mask) => tf.tensor2d(mask, [1, dims]));
    this.mean = tf.tensor2d(normalization.mean, [1, dims]);
    this.std = tf.tensor2d(normalization.std, [1, dims]);
    this.logStdSum = normalization.std.reduce((sum, value) => sum + Math.log(value), 0);
  }

  /** Current weight values, by name (for saving). */
  weightValues(): FlowWeights {
    return new Map([...this.variables].map(([name, variable]) => [name, variable.dataSync() as Float32Array]));
  }

  /** The standardised input x [N, dims] → z [N, dims] and Σ log|det| per row [N]. */
  forward(x: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
    return tf.tidy(() => {
      let y = x;
      let logDet: tf.Tensor1D = tf.zeros([x.shape[0]]);
      this.masks.forEach((mask, k) => {
        const kept: tf.Tensor2D = tf.mul(y, mask);
        const { scale, shift } = this.scaleAndShift(k, kept, mask);
        y = tf.add(tf.add(kept, tf.mul(tf.mul(y, tf.sub(1, mask)), tf.exp(scale))), shift);
        logDet = tf.add(logDet, tf.sum(scale, 1));
      });
      return { z: y, logDet };
    });
  }

  /** z [N, dims] → the standardised input x [N, dims] (the exact inverse of forward). */
  inverse(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let x = z;
      for (let k = this.masks.length - 1; k >= 0; k--) {
        const mask = this.masks[k]!;
        const kept: tf.Tensor2D = tf.mul(x, mask);
        const { scale, shift } = this.scaleAndShift(k, kept, mask);
        x = tf.add(kept, tf.mul(tf.sub(x, tf.add(kept, shift)), tf.exp(tf.neg(scale))));
      }
      return x;
    });
  }

  /** Standardises raw vectors [N, dims] (θ → x). */
  standardize(values: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.div(tf.sub(values, this.mean), this.std));
  }

  /** Raw vectors from standardised ones (x → θ). */
  destandardize(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.mul(x, this.std), this.mean));
  }

  /** log p of raw vectors [N, dims] → [N] (nats), differentiable in the vectors and the weights. */
  logProb(values: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { z, logDet } = this.forward(this.standardize(values));
      const base = tf.mul(-0.5, tf.add(tf.sum(tf.square(z), 1), this.architecture.dims * LOG_2PI));
      return tf.sub(tf.add(base, logDet), this.logStdSum);
    });
  }

  /** log p of SMPL poses [N, 72] (the 23 non-root joints). */
  poseLogProb(poses: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.logProb(tf.slice(poses, [0, SMPL_POSE_LENGTH - FLOW_POSE_DIMS], [poses.shape[0], FLOW_POSE_DIMS])));
  }

  /** `count` raw vectors drawn from the flow, z ~ N(0, temperature²·I), seeded. */
  sample(count: number, seed: number, temperature = 1): tf.Tensor2D {
    return tf.tidy(() => this.destandardize(this.inverse(tf.randomNormal([count, this.architecture.dims], 0, temperature, 'float32', seed))));
  }

  dispose(): void {
    tf.dispose([...this.variables.values(), ...this.masks, this.mean, this.std]);
  }

  private scaleAndShift(layer: number, kept: tf.Tensor2D, mask: tf.Tensor2D): { scale: tf.Tensor2D; shift: tf.Tensor2D } {
    const v = (name: string) => this.variables.get(`layer${layer}/${name}`)!;
    const dims = this.architecture.dims;
    const h0 = tf.tanh(tf.add(tf.matMul(kept, v('w0') as tf.Tensor2D), v('b0')));
    const h1 = tf.tanh(tf.add(tf.matMul(h0, v('w1') as tf.Tensor2D), v('b1')));
    const out = tf.add(tf.matMul(h1, v('w2') as tf.Tensor2D), v('b2')) as tf.Tensor2D;
    const free = tf.sub(1, mask);
    const rows = kept.shape[0];
    const scale = tf.mul(tf.mul(this.architecture.scaleBound, tf.tanh(tf.slice(out, [0, 0], [rows, dims]))), free) as tf.Tensor2D;
    const shift = tf.mul(tf.slice(out, [0, dims], [rows, dims]), free) as tf.Tensor2D;
    return { scale, shift };
  }
}
