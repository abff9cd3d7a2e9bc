import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { FlowArchitecture } from '../../src/prior/flow-architecture.js';
import { couplingMasks, PoseFlow, weightShapes, type FlowWeights } from '../../src/prior/pose-flow.js';
import { fitNormalization } from '../../src/prior/train-flow.js';
import { initBackend } from '../../src/tf/backend.js';
import * as tf from '../../src/tf/tf.js';
import { Rng } from '../../src/train/rng.js';

before(async () => {
  await initBackend('wasm');
});

/** Every weight random (output layers included, so the flow is far from the identity). */
function randomWeights(architecture: FlowArchitecture, seed: number, scale: number): FlowWeights {
  const rng = new Rng(seed);
  const weights: FlowWeights = new Map();
  for (const [name, shape] of weightShapes(architecture)) {
    const size = shape.reduce((a, b) => a * b, 1);
    weights.set(name, Float32Array.from({ length: size }, () => scale * (2 * rng.next() - 1)));
  }
  return weights;
}

const unitNormalization = (dims: number) => ({ mean: new Float32Array(dims), std: new Float32Array(dims).fill(1) });

function randomRows(count: number, dims: number, seed: number, spread = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * dims }, () => spread * (2 * rng.next() - 1));
}

test('masks come in complementary pairs, each keeping half of the dimensions', () => {
  const masks = couplingMasks(69, 8);
  assert.equal(masks.length, 8);
  for (let pair = 0; pair < 4; pair++) {
    const [a, b] = [masks[2 * pair]!, masks[2 * pair + 1]!];
    for (let d = 0; d < 69; d++) assert.equal(a[d]! + b[d]!, 1);
    const kept = a.reduce((sum, value) => sum + value, 0);
    assert.ok(kept === 34 || kept === 35, `pair ${pair} keeps ${kept}`);
  }
  // Later pairs split differently from the even/odd first pair.
  assert.notDeepEqual(Array.from(masks[2]!), Array.from(masks[0]!));
  assert.notDeepEqual(Array.from(masks[4]!), Array.from(masks[2]!));
});

test('the 69-d flow is invertible: x → z → x within 1e-4 (random weights, far from the identity)', () => {
  const architecture = { dims: 69, couplingLayers: 8, hidden: 64, scaleBound: 2 };
  const flow = new PoseFlow(architecture, unitNormalization(69), randomWeights(architecture, 5, 0.2));
  const x = tf.tensor2d(randomRows(64, 69, 6, 2), [64, 69]);
  const { z } = flow.forward(x);
  const back = flow.inverse(z);
  const moved = tf.max(tf.abs(tf.sub(z, x))).dataSync()[0]!;
  const error = tf.max(tf.abs(tf.sub(back, x))).dataSync()[0]!;
  assert.ok(moved > 0.5, `the flow must not be near the identity (max |z − x| ${moved})`);
  assert.ok(error < 1e-4, `max |x − f⁻¹(f(x))| = ${error}`);
  flow.dispose();
});

/** log|det A| by LU with partial pivoting (row-major n × n, float64). */
function logAbsDeterminant(matrix: Float64Array, n: number): number {
  const a = Float64Array.from(matrix);
  let logDet = 0;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = row;
    if (pivot !== col) for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
    const diagonal = a[col * n + col]!;
    logDet += Math.log(Math.abs(diagonal));
    for (let row = col + 1; row < n; row++) {
      const factor = a[row * n + col]! / diagonal;
      for (let k = col; k < n; k++) a[row * n + k] = a[row * n + k]! - factor * a[col * n + k]!;
    }
  }
  return logDet;
}

test("log|det| equals a finite-difference Jacobian's log|det| (LU) on a tiny flow", () => {
  const dims = 5;
  const architecture = { dims, couplingLayers: 4, hidden: 8, scaleBound: 2 };
  const flow = new PoseFlow(architecture, unitNormalization(dims), randomWeights(architecture, 11, 0.6));
  const points = randomRows(4, dims, 12, 1);
  const forwardZ = (x: Float64Array) => tf.tidy(() => flow.forward(tf.tensor2d(Float32Array.from(x), [1, dims])).z.dataSync());
  const h = 1e-2;
  for (let p = 0; p < 4; p++) {
    const x0 = Float64Array.from(points.subarray(p * dims, (p + 1) * dims));
    // Five-point central differences: truncation error O(h⁴), well below float32 rounding / h.
    const jacobian = new Float64Array(dims * dims);
    for (let j = 0; j < dims; j++) {
      const at = (step: number) => {
        const x = Float64Array.from(x0);
        x[j]! += step;
        return forwardZ(x);
      };
      const [p2, p1, m1, m2] = [at(2 * h), at(h), at(-h), at(-2 * h)];
      for (let i = 0; i < dims; i++) jacobian[i * dims + j] = (-p2[i]! + 8 * p1[i]! - 8 * m1[i]! + m2[i]!) / (12 * h);
    }
    const numeric = logAbsDeterminant(jacobian, dims);
    const analytic = tf.tidy(() => flow.forward(tf.tensor2d(Float32Array.from(x0), [1, dims])).logDet.dataSync()[0]!);
    assert.ok(Math.abs(analytic) > 0.1, `the point must have a non-trivial log-det (got ${analytic})`);
    assert.ok(Math.abs(analytic - numeric) < 2e-3, `point ${p}: flow log|det| ${analytic} vs finite differences ${numeric}`);
  }
  flow.dispose();
});

/**
 * A correlated 2-D Gaussian: x1 ~ N(1, 1), x2 = 0.8·x1 − 2 + 0.3·N(0, 1) (correlation 0.94). The
 * untrained flow is the diagonal Gaussian fit, which cannot express the correlation.
 */
function toyRows(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const x1 = 1 + normal();
    out[i * 2] = x1;
    out[i * 2 + 1] = 0.8 * x1 - 2 + 0.3 * normal();
  }
  return out;
}

function momentsOf(rows: ArrayLike<number>, dims: number): { mean: number[]; variance: number[] } {
  const count = rows.length / dims;
  const mean = Array.from({ length: dims }, (_, d) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += rows[i * dims + d]!;
    return sum / count;
  });
  const variance = mean.map((m, d) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += (rows[i * dims + d]! - m) ** 2;
    return sum / count;
  });
  return { mean, variance };
}

test("a tiny flow's likelihood rises on a toy distribution, beats the diagonal Gaussian fit, and its samples match the data's mean, variance and correlation", () => {
  const train = toyRows(4000, 21);
  const heldOut = toyRows(2000, 22);
  const architecture = { dims: 2, couplingLayers: 6, hidden: 24, scaleBound: 2 };
  const normalization = fitNormalization(train, 2, 0);
  const zeroed = randomWeights(architecture, 23, 0.3);
  for (const [name, values] of zeroed) if (name.endsWith('w2') || name.endsWith('b2')) values.fill(0);
  const flow = new PoseFlow(architecture, normalization, zeroed);
  const meanLogLik = (rows: Float32Array) => tf.tidy(() => tf.mean(flow.logProb(tf.tensor2d(rows, [rows.length / 2, 2]))).dataSync()[0]!);
  const before = meanLogLik(heldOut);
  // The identity flow over the standardised data is the diagonal Gaussian fit; the data's own log-likelihood under it:
  const { mean, variance } = momentsOf(train, 2);
  let gaussianLogLik = 0;
  for (let i = 0; i < heldOut.length / 2; i++) {
    for (let d = 0; d < 2; d++) gaussianLogLik += -0.5 * Math.log(2 * Math.PI * variance[d]!) - (heldOut[i * 2 + d]! - mean[d]!) ** 2 / (2 * variance[d]!);
  }
  gaussianLogLik /= heldOut.length / 2;
  assert.ok(Math.abs(before - gaussianLogLik) < 0.02, `an untrained flow is the Gaussian fit: ${before} vs ${gaussianLogLik}`);

  const optimizer = tf.train.adam(1e-2);
  const data = tf.tensor2d(train, [4000, 2]);
  for (let step = 0; step < 300; step++) {
    optimizer.minimize(() => tf.tidy(() => tf.neg(tf.mean(flow.logProb(tf.gather(data, tf.randomUniform([256], 0, 4000, 'int32', step) as tf.Tensor1D) as tf.Tensor2D)))) as tf.Scalar, false, [...flow.variables.values()]);
  }
  const after = meanLogLik(heldOut);
  // The correlation is worth −½·log(1 − ρ²) ≈ 1.05 nats over the diagonal fit.
  assert.ok(after > gaussianLogLik + 0.8, `held-out log-likelihood ${gaussianLogLik.toFixed(3)} (Gaussian) → ${after.toFixed(3)} nats (flow)`);

  // Moments of samples: near the optimum the likelihood hardly constrains the far tails, where a few
  // samples land (the sample variance moves by ±10 % from one step to the next at the same held-out
  // likelihood), hence the tolerances. The correlation is the discriminating check: the untrained
  // flow already has the data's per-dimension mean and variance, but correlation 0.
  const samples = flow.sample(20000, 7).dataSync();
  const sampled = momentsOf(samples, 2);
  const data2 = momentsOf(heldOut, 2);
  for (let d = 0; d < 2; d++) {
    assert.ok(Math.abs(sampled.mean[d]! - data2.mean[d]!) < 0.1, `dim ${d} mean ${sampled.mean[d]} vs data ${data2.mean[d]}`);
    assert.ok(Math.abs(sampled.variance[d]! / data2.variance[d]! - 1) < 0.2, `dim ${d} variance ${sampled.variance[d]} vs data ${data2.variance[d]}`);
  }
  const correlation = (rows: ArrayLike<number>, m: { mean: number[]; variance: number[] }) => {
    let sum = 0;
    for (let i = 0; i < rows.length / 2; i++) sum += (rows[i * 2]! - m.mean[0]!) * (rows[i * 2 + 1]! - m.mean[1]!);
    return sum / (rows.length / 2) / Math.sqrt(m.variance[0]! * m.variance[1]!);
  };
  const [sampledCorrelation, dataCorrelation] = [correlation(samples, sampled), correlation(heldOut, data2)];
  assert.ok(Math.abs(sampledCorrelation - dataCorrelation) < 0.05, `correlation ${sampledCorrelation} vs data ${dataCorrelation}`);
  optimizer.dispose();
  data.dispose();
  flow.dispose();
});
