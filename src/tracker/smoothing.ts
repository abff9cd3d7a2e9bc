/**
 * 1-D signal smoothing for tube boxes (spec B4): linear interpolation across gaps, a median filter to
 * remove detection outliers, then a Gaussian for jitter. Ends are handled by mirror reflection
 * (scipy.ndimage's default), not zero padding, so the first and last frames keep their level.
 */

/** Index into [0, n) reflecting at the ends: …, 1, 0 | 0, 1, …, n−1 | n−1, n−2, … */
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}

/**
 * Fills entries where valid[i] is 0 by linear interpolation between the nearest valid neighbours and
 * holds the nearest valid value before the first / after the last. All-invalid input is returned as is.
 */
export function interpolateGaps(values: Float64Array, valid: Uint8Array): Float64Array {
  const out = Float64Array.from(values);
  let previous = -1;
  for (let i = 0; i <= values.length; i++) {
    if (i < values.length && !valid[i]) continue;
    if (previous < 0 && i < values.length) {
      out.fill(values[i]!, 0, i);
    } else if (previous >= 0 && i === values.length) {
      out.fill(values[previous]!, previous + 1);
    } else if (previous >= 0) {
      const span = i - previous;
      for (let k = previous + 1; k < i; k++) {
        const t = (k - previous) / span;
        out[k] = values[previous]! * (1 - t) + values[i]! * t;
      }
    }
    previous = i;
  }
  return out;
}

/** Running median over an odd window. */
export function medianFilter(values: Float64Array, kernelSize: number): Float64Array {
  if (kernelSize < 1 || kernelSize % 2 === 0) throw new RangeError(`median kernel must be odd, got ${kernelSize}`);
  const half = kernelSize >> 1;
  const out = new Float64Array(values.length);
  const window = new Float64Array(kernelSize);
  for (let i = 0; i < values.length; i++) {
    for (let k = -half; k <= half; k++) window[k + half] = values[reflectIndex(i + k, values.length)]!;
    window.sort();
    out[i] = window[half]!;
  }
  return out;
}

/** Gaussian filter with standard deviation `sigma` samples, truncated at 4σ (as scipy). */
export function gaussianFilter(values: Float64Array, sigma: number): Float64Array {
  if (sigma <= 0) return Float64Array.from(values);
  const radius = Math.ceil(4 * sigma);
  const weights = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) {
    weights[k + radius] = Math.exp((-0.5 * k * k) / (sigma * sigma));
    total += weights[k + radius]!;
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += weights[k + radius]! * values[reflectIndex(i + k, values.length)]!;
    out[i] = sum / total;
  }
  return out;
}

export interface SignalSmoothingOptions {
  medianKernel: number;
  gaussianSigma: number;
}

/** interpolateGaps → medianFilter → gaussianFilter, the whole B4 recipe for one coordinate. */
export function smoothSignal(values: Float64Array, valid: Uint8Array, options: SignalSmoothingOptions): Float64Array {
  return gaussianFilter(medianFilter(interpolateGaps(values, valid), options.medianKernel), options.gaussianSigma);
}
