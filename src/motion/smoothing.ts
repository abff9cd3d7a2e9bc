/**
 * Temporal smoothing of exported motion: Savitzky–Golay and a zero-phase One-Euro filter, both
 * written once over a "manifold" (vectors, or unit quaternions) through its ⊖ (difference as a
 * tangent vector) and ⊕ (step along a tangent vector). On rotations the filters therefore work on
 * rotation vectors relative to nearby frames, never on Euler angles or raw quaternion components:
 * no wrap-around, no q/−q sign flips, and a rotation at constant angular velocity about a fixed axis
 * is a straight line in the tangent space, which both filters leave unchanged.
 */
import { applyRotationVector, rotationBetween, type Quaternion } from '../util/rotation.js';

export interface Manifold<T> {
  /** a ⊖ b: the tangent vector at b pointing to a. */
  difference(a: T, b: T): number[];
  /** b ⊕ v. */
  step(b: T, v: readonly number[]): T;
}

export const VECTORS: Manifold<number[]> = {
  difference: (a, b) => a.map((value, i) => value - b[i]!),
  step: (b, v) => b.map((value, i) => value + v[i]!),
};

/** Rotations in the body frame: a ⊖ b = log(b⁻¹ a), b ⊕ v = b · exp(v). */
export const ROTATIONS: Manifold<Quaternion> = {
  difference: (a, b) => rotationBetween(a, b),
  step: (b, v) => applyRotationVector(b, v),
};

export type SmoothingOptions =
  | { method: 'none' }
  | { method: 'savgol'; /** odd number of frames */ window: number; /** polynomial order < window */ order: number }
  | { method: 'one-euro'; /** Hz */ minCutoff: number; /** s per unit of speed */ beta: number; /** Hz */ derivativeCutoff: number };

export const DEFAULT_SAVGOL = { window: 9, order: 2 } as const;
export const DEFAULT_ONE_EURO = { minCutoff: 1.5, beta: 0.5, derivativeCutoff: 1 } as const;

/** Smooths a sequence sampled at `fps` frames per second; returns a new array. */
export function smoothSequence<T>(manifold: Manifold<T>, samples: readonly T[], fps: number, options: SmoothingOptions): T[] {
  if (options.method === 'none' || samples.length < 2) return [...samples];
  if (options.method === 'savgol') return savitzkyGolay(manifold, samples, options.window, options.order);
  return oneEuroZeroPhase(manifold, samples, fps, options);
}

/**
 * Savitzky–Golay: each frame becomes the value at its own time of the least-squares polynomial
 * through the frames of its window, fitted to the tangent vectors x_k ⊖ x_t. Near the ends the
 * window is cut to the frames that exist (and the order lowered if too few remain), so the first
 * and last frames are smoothed too and any polynomial motion of the order is reproduced exactly.
 */
export function savitzkyGolay<T>(manifold: Manifold<T>, samples: readonly T[], window: number, order: number): T[] {
  const half = Math.floor(window / 2);
  const weightCache = new Map<string, number[]>();
  return samples.map((centre, t) => {
    const first = Math.max(0, t - half);
    const last = Math.min(samples.length - 1, t + half);
    const key = `${first - t},${last - t}`;
    let weights = weightCache.get(key);
    if (!weights) weightCache.set(key, (weights = polynomialValueWeights(first - t, last - t, Math.min(order, last - first))));
    let sum: number[] | undefined;
    for (let k = first; k <= last; k++) {
      if (k === t) continue;
      const tangent = manifold.difference(samples[k]!, centre);
      const w = weights[k - first]!;
      sum = sum ? sum.map((value, i) => value + w * tangent[i]!) : tangent.map((value) => w * value);
    }
    return sum ? manifold.step(centre, sum) : centre;
  });
}

/**
 * Weights c_k (k = from..to) with Σ c_k·y_k = p(0), p the least-squares polynomial of `order`
 * through (k, y_k): the first row of (AᵀA)⁻¹Aᵀ with A_ki = k^i.
 */
export function polynomialValueWeights(from: number, to: number, order: number): number[] {
  const n = order + 1;
  const offsets = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const normal = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => offsets.reduce((sum, k) => sum + k ** (i + j), 0)));
  // Solve (AᵀA) u = e₀; then c_k = Σ_i u_i k^i (AᵀA is symmetric).
  const u = solve(normal, Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)));
  return offsets.map((k) => u.reduce((sum, value, i) => sum + value * k ** i, 0));
}

/** Gaussian elimination with partial pivoting on a small dense system. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / a[col]![col]!;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}

/**
 * The One-Euro filter (Casiez et al., CHI 2012) run forwards and then backwards over the result,
 * as offline export can: the lag of the forward pass is undone by the backward pass. The cutoff
 * is minCutoff + beta · |speed| with the speed from consecutive input frames, low-passed at
 * derivativeCutoff. Each pass starts in its steady state for the speed of its first two frames
 * (lag = v·Δt·(1−α)/α behind), so a constant-velocity motion passes through unchanged, ends included.
 */
export function oneEuroZeroPhase<T>(manifold: Manifold<T>, samples: readonly T[], fps: number, options: { minCutoff: number; beta: number; derivativeCutoff: number }): T[] {
  const forward = oneEuroPass(manifold, samples, fps, options);
  return oneEuroPass(manifold, forward.reverse(), fps, options).reverse();
}

function smoothingFactor(cutoffHz: number, fps: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau * fps);
}

function oneEuroPass<T>(manifold: Manifold<T>, samples: readonly T[], fps: number, options: { minCutoff: number; beta: number; derivativeCutoff: number }): T[] {
  const derivativeAlpha = smoothingFactor(options.derivativeCutoff, fps);
  const alphaForSpeed = (velocity: readonly number[]) => smoothingFactor(options.minCutoff + options.beta * Math.hypot(...velocity), fps);
  // Tangent velocity per second from the first two frames; the output starts lag·velocity behind.
  let velocity = manifold.difference(samples[1]!, samples[0]!).map((value) => value * fps);
  const alpha0 = alphaForSpeed(velocity);
  let filtered = manifold.step(samples[0]!, velocity.map((value) => (-value / fps) * ((1 - alpha0) / alpha0)));
  const out: T[] = [filtered];
  for (let t = 1; t < samples.length; t++) {
    const raw = manifold.difference(samples[t]!, samples[t - 1]!).map((value) => value * fps);
    velocity = velocity.map((value, i) => value + derivativeAlpha * (raw[i]! - value));
    const alpha = alphaForSpeed(velocity);
    filtered = manifold.step(filtered, manifold.difference(samples[t]!, filtered).map((value) => alpha * value));
    out.push(filtered);
  }
  return out;
}

/** Δ² energy of a sequence: Σ_t ‖(x_{t+1} ⊖ x_t) − (x_t ⊖ x_{t−1})‖², the jitter smoothing should lower. */
export function secondDifferenceEnergy<T>(manifold: Manifold<T>, samples: readonly T[]): number {
  let energy = 0;
  for (let t = 1; t + 1 < samples.length; t++) {
    const ahead = manifold.difference(samples[t + 1]!, samples[t]!);
    const behind = manifold.difference(samples[t]!, samples[t - 1]!);
    energy += ahead.reduce((sum, value, i) => sum + (value - behind[i]!) ** 2, 0);
  }
  return energy;
}
