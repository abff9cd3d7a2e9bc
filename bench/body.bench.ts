import { LbsBodyModel } from '../src/body/lbs.js';
import { loadBodyModelFile } from '../src/body/load.js';
import { UsageError } from '../src/errors.js';
import { initBackend } from '../src/tf/backend.js';
import { BACKEND_NAMES } from '../src/tf/backend-names.js';
import * as tf from '../src/tf/tf.js';
import type { BenchTable } from './bench-table.js';

/** One training step's body evaluations: batch 8 × 20 frames × (present, past, future, hallucinated). */
const N = 640;

/**
 * Body model forward and forward+backward at N = 640 on every backend that starts here, for the
 * training fast path (posedKeypoints: keypoints, joints, rotations) and the full mesh path
 * (forward() then regressing keypoints from the vertices). Best of several runs; the machine is shared.
 */
export default async function bodyBench(): Promise<BenchTable> {
  const data = loadBodyModelFile();
  const rows: (string | number)[][] = [];
  const notes: string[] = [
    `stand-in model: ${data.vertexCount} vertices; keypoint set hmmr25 (25 points); pose ~ N(0, 0.5²) rad, shape ~ N(0, 1)`,
    'backward = gradients w.r.t. pose and shape of a weighted sum of the keypoints',
  ];
  for (const name of BACKEND_NAMES) {
    try {
      await initBackend(name);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      notes.push(`${name}: skipped (${error.reason})`);
      continue;
    }
    const model = new LbsBodyModel(data);
    const pose = tf.randomNormal([N, 72], 0, 0.5, 'float32', 1) as tf.Tensor2D;
    const shape = tf.randomNormal([N, 10], 0, 1, 'float32', 2) as tf.Tensor2D;
    const weights = tf.randomNormal([N, 25, 3], 0, 1, 'float32', 3);
    const fast = (p: tf.Tensor2D, s: tf.Tensor2D) => model.posedKeypoints(p, s, 'hmmr25').keypoints;
    const mesh = (p: tf.Tensor2D, s: tf.Tensor2D) => model.keypoints(model.forward(p, s).vertices, 'hmmr25');
    const timings: Record<string, number> = {};
    for (const [path, keypoints] of [['keypoints (training fast path)', fast], ['mesh + regression', mesh]] as const) {
      // The pure-JS cpu backend takes seconds per mesh pass: fewer repetitions there.
      const repeats = name !== 'cpu' ? 5 : keypoints === fast ? 3 : 1;
      const forwardMs = bestOf(repeats, () => keypoints(pose, shape).dataSync());
      const stepMs = bestOf(repeats, () =>
        tf.grads((p: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(keypoints(p as tf.Tensor2D, s as tf.Tensor2D), weights)))([pose, shape]).forEach((g) => g.dataSync()),
      );
      timings[path] = stepMs;
      rows.push([name, path, N, forwardMs, stepMs, (stepMs * 1000) / N]);
    }
    const ratio = timings['mesh + regression']! / timings['keypoints (training fast path)']!;
    notes.push(`${name}: the keypoint fast path is ${ratio.toFixed(1)}x faster than posing the mesh (forward+backward)`);
    tf.dispose([pose, shape, weights]);
    model.dispose();
  }
  return {
    title: `Body model (LBS) at N = ${N}: milliseconds per pass, best of several`,
    columns: ['backend', 'path', 'N', 'forward ms', 'forward+backward ms', 'µs per body (fwd+bwd)'],
    rows,
    notes,
  };
}

/** Best wall time of `repeats` runs after one warm-up, each inside tf.tidy. */
function bestOf(repeats: number, run: () => void): number {
  tf.tidy(run);
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    tf.tidy(run);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}
