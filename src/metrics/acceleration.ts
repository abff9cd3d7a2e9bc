import { frameCountOf, type JointValues } from './joint-arrays.js';

/**
 * Acceleration metrics, one value per window of three frames (t, t+1, t+2), so an array of
 * frames − 2 values. Δ²X = X[t] − 2X[t+1] + X[t+2] is in the input's unit per frame² (no 1/Δt²,
 * as in the reference code); perFrame2ToPerSecond2 converts. Callers pass pelvis-aligned joints.
 *
 * Two figures exist because the reference code printed the wrong one (spec B3): the error against
 * ground truth, ‖Δ²pred − Δ²gt‖, and the prediction's own acceleration ‖Δ²pred‖ (its jitter),
 * which is the "accel" column the paper-era numbers quote.
 */

/** ‖Δ²pred − Δ²gt‖ averaged over joints; NaN for windows touching a frame with mask 0. */
export function accelerationErrorPerWindow(
  pred: JointValues,
  gt: JointValues,
  jointCount: number,
  frameMask?: Uint8Array,
): Float64Array {
  if (pred.length !== gt.length) throw new RangeError(`prediction has ${pred.length} values, ground truth ${gt.length}`);
  return meanSecondDifferenceNorm(pred, gt, jointCount, frameMask);
}

/** ‖Δ²joints‖ averaged over joints: how much the sequence itself accelerates (jitters). */
export function accelerationPerWindow(joints: JointValues, jointCount: number): Float64Array {
  return meanSecondDifferenceNorm(joints, undefined, jointCount, undefined);
}

/** A per-frame² acceleration in per-second² at the given frame rate (Δt = 1/fps, so × fps²). */
export function perFrame2ToPerSecond2(valuePerFrame2: number, fps: number): number {
  return valuePerFrame2 * fps * fps;
}

function meanSecondDifferenceNorm(
  a: JointValues,
  b: JointValues | undefined,
  jointCount: number,
  frameMask: Uint8Array | undefined,
): Float64Array {
  const frames = frameCountOf(a, jointCount, 3);
  const stride = jointCount * 3;
  const windows = new Float64Array(Math.max(0, frames - 2));
  for (let t = 0; t < windows.length; t++) {
    if (frameMask && !(frameMask[t] && frameMask[t + 1] && frameMask[t + 2])) {
      windows[t] = NaN;
      continue;
    }
    let sum = 0;
    for (let j = 0; j < jointCount; j++) {
      let squared = 0;
      for (let d = 0; d < 3; d++) {
        const i = t * stride + j * 3 + d;
        let accel = a[i]! - 2 * a[i + stride]! + a[i + 2 * stride]!;
        if (b) accel -= b[i]! - 2 * b[i + stride]! + b[i + 2 * stride]!;
        squared += accel * accel;
      }
      sum += Math.sqrt(squared);
    }
    windows[t] = sum / jointCount;
  }
  return windows;
}
