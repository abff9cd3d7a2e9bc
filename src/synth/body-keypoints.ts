import type { BodyModel } from '../body/types.js';
import * as tf from '../tf/tf.js';
import type { PoseKeypoints } from './generate.js';

/** Frames posed per batch: bounded memory whatever --frames says. */
const BATCH_FRAMES = 256;

/** Synth's keypoint source backed by a body model's keypoint regressors (lsp14 + the detector's set). */
export function bodyModelKeypoints(body: BodyModel, detectorSet: string): PoseKeypoints {
  for (const set of ['lsp14', detectorSet]) {
    if (!body.keypointSets.includes(set)) throw new RangeError(`body model '${body.name}' has no '${set}' keypoint regressor`);
  }
  return (poses, shape, frameCount) => {
    const lsp14: Float32Array[] = [];
    const detector: Float32Array[] = [];
    for (let start = 0; start < frameCount; start += BATCH_FRAMES) {
      const count = Math.min(BATCH_FRAMES, frameCount - start);
      tf.tidy(() => {
        const pose = tf.tensor2d(poses.subarray(start * 72, (start + count) * 72), [count, 72]);
        const shapes = tf.tile(tf.tensor2d(shape, [1, 10]), [count, 1]) as tf.Tensor2D;
        lsp14.push(Float32Array.from(body.posedKeypoints(pose, shapes, 'lsp14').keypoints.dataSync()));
        detector.push(Float32Array.from(body.posedKeypoints(pose, shapes, detectorSet).keypoints.dataSync()));
      });
    }
    return { lsp14: concat(lsp14), detector: concat(detector) };
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
