import type { BodyModel } from '../body/types.js';
import { CANONICAL_SET, LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { BadInputFileError } from '../errors.js';
import * as tf from '../tf/tf.js';
import { readCheckpoint, resolveCheckpointDir, type FeatureIdentity } from './checkpoint.js';
import { modelKind, type ModelConfig, type TrainConfig } from './config.js';
import type { FramePredictions } from './nn/hmmr-network.js';
import { HmmrNetwork } from './nn/hmmr-network.js';
import { TemporalEncoder } from './nn/temporal-encoder.js';
import { Rng } from './rng.js';
import { POSE_OFFSET, POSE_SIZE, SHAPE_OFFSET, SHAPE_SIZE, THETA_SIZE } from './theta.js';

/** A trained encoder, ready to predict (no dropout, no optimiser state). */
export interface PredictionModel {
  checkpointDir: string;
  step: number;
  config: TrainConfig;
  features: FeatureIdentity;
  bodyModelName: string;
  network: HmmrNetwork;
  dispose(): void;
}

/** Loads the weights of a checkpoint folder (or a run folder's latest checkpoint). */
export function loadPredictionModel(path: string): PredictionModel {
  const checkpointDir = resolveCheckpointDir(path);
  const content = readCheckpoint(checkpointDir, { withOptimizer: false });
  if (modelKind(content.config) !== 'hmmr') {
    throw new BadInputFileError(checkpointDir, `a ${modelKind(content.config)} checkpoint (VideoPose3D lifter) lifts tubes' 2D keypoints: it predicts with hmmr predict on tubes and hmmr eval --checkpoint, not from single images`);
  }
  const network = new HmmrNetwork(content.config.model, content.features.dims, new Rng(content.seed));
  try {
    network.params.load(content.encoder.values);
  } catch (error) {
    network.dispose();
    throw new BadInputFileError(checkpointDir, `weights do not fit the stored config: ${(error as Error).message}`);
  }
  return {
    checkpointDir,
    step: content.step,
    config: content.config,
    features: content.features,
    bodyModelName: content.bodyModel,
    network,
    dispose: () => network.dispose(),
  };
}

/** Per-frame predictions of one sequence, [F, ...] row-major. */
export interface SequencePrediction {
  frameCount: number;
  /** [F, 85]: camera, pose, shape. */
  theta: Float32Array;
  /** [F, 14, 3] LSP joints, metres, model frame. */
  joints3d: Float32Array;
  /** [F, 72] pose at t − Δt from f_Δt (absent when the model has no Δt heads). */
  pastPose?: Float32Array;
  /** [F, 72] pose at t + Δt. */
  futurePose?: Float32Array;
}

export interface WindowPlan {
  /** Frames of padding before the sequence (the encoder's half receptive field). */
  margin: number;
  /** Frames each window contributes (its middle). */
  stride: number;
  windowCount: number;
}

/**
 * The reference's test-time windowing (HD tester.py predict_all_images): windows of T frames
 * moving by g = T − 2·margin, where margin = (receptive field − 1)/2; the sequence is padded with
 * `margin` blank frames in front and blanks behind, and only each window's middle g outputs are
 * kept, so every kept output saw its full receptive field of real-or-blank frames. Any length works.
 */
export function planWindows(frameCount: number, windowFrames: number, receptiveField: number): WindowPlan {
  const margin = (receptiveField - 1) / 2;
  const stride = windowFrames - 2 * margin;
  if (stride <= 0) throw new Error(`window of ${windowFrames} frames is too short for a receptive field of ${receptiveField}`);
  return { margin, stride, windowCount: Math.max(1, Math.ceil(frameCount / stride)) };
}

/** Frames a model sees on each side of a frame: the temporal encoder's (receptive field − 1)/2, 0 without it. */
export function temporalMargin(model: Pick<ModelConfig, 'temporal' | 'encoderBlocks'>): number {
  return model.temporal ? (TemporalEncoder.receptiveField(model.encoderBlocks) - 1) / 2 : 0;
}

/** Runs the network over a whole sequence of raw features [F, D]; `blank` pads the ends. */
export function predictSequence(network: HmmrNetwork, body: BodyModel, features: Float32Array, blank: Float32Array, windowFrames: number, windowsPerBatch = 8): SequencePrediction {
  const dims = network.featureDims;
  const frameCount = features.length / dims;
  const plan = planWindows(frameCount, windowFrames, 2 * temporalMargin(network.config) + 1);
  const paddedLength = plan.windowCount * plan.stride + 2 * plan.margin;
  const padded = new Float32Array(paddedLength * dims);
  for (let f = 0; f < paddedLength; f++) {
    const source = f - plan.margin;
    padded.set(source >= 0 && source < frameCount ? features.subarray(source * dims, (source + 1) * dims) : blank, f * dims);
  }
  const hasDeltas = network.config.deltaHeads;
  const theta = new Float32Array(frameCount * THETA_SIZE);
  const pastPose = hasDeltas ? new Float32Array(frameCount * POSE_SIZE) : undefined;
  const futurePose = hasDeltas ? new Float32Array(frameCount * POSE_SIZE) : undefined;
  for (let first = 0; first < plan.windowCount; first += windowsPerBatch) {
    const count = Math.min(windowsPerBatch, plan.windowCount - first);
    const input = new Float32Array(count * windowFrames * dims);
    for (let w = 0; w < count; w++) {
      const start = (first + w) * plan.stride;
      input.set(padded.subarray(start * dims, (start + windowFrames) * dims), w * windowFrames * dims);
    }
    const outputs = tf.tidy(() => {
      const { current } = network.forward(tf.tensor3d(input, [count, windowFrames, dims]));
      return { theta: current.theta.dataSync(), past: current.past?.dataSync(), future: current.future?.dataSync() };
    });
    for (let w = 0; w < count; w++) {
      for (let k = 0; k < plan.stride; k++) {
        const frame = (first + w) * plan.stride + k;
        if (frame >= frameCount) break;
        const row = w * windowFrames + plan.margin + k;
        theta.set(outputs.theta.subarray(row * THETA_SIZE, (row + 1) * THETA_SIZE), frame * THETA_SIZE);
        pastPose?.set(outputs.past!.subarray(row * POSE_SIZE, (row + 1) * POSE_SIZE), frame * POSE_SIZE);
        futurePose?.set(outputs.future!.subarray(row * POSE_SIZE, (row + 1) * POSE_SIZE), frame * POSE_SIZE);
      }
    }
  }
  return { frameCount, theta, joints3d: jointsOfTheta(body, theta), pastPose, futurePose };
}

/** Single frames' raw features [N, D] → present Θ, joints, and ±Δt poses through the hallucinator. */
export function predictFrames(network: HmmrNetwork, body: BodyModel, features: Float32Array): SequencePrediction {
  const dims = network.featureDims;
  const n = features.length / dims;
  const outputs = tf.tidy(() => {
    const frames: FramePredictions = network.hallucinateFrames(tf.tensor2d(features, [n, dims]));
    return { theta: frames.theta.dataSync() as Float32Array, past: frames.past?.dataSync() as Float32Array | undefined, future: frames.future?.dataSync() as Float32Array | undefined };
  });
  return { frameCount: n, theta: outputs.theta, joints3d: jointsOfTheta(body, outputs.theta), pastPose: outputs.past, futurePose: outputs.future };
}

/** Θ rows → LSP joints [N, 14, 3] (the first 14 canonical keypoints), in chunks to bound memory. */
export function jointsOfTheta(body: BodyModel, theta: Float32Array, chunk = 256): Float32Array {
  const n = theta.length / THETA_SIZE;
  const out = new Float32Array(n * LSP_JOINT_COUNT * 3);
  for (let first = 0; first < n; first += chunk) {
    const count = Math.min(chunk, n - first);
    const joints = tf.tidy(() => {
      const rows = tf.tensor2d(theta.subarray(first * THETA_SIZE, (first + count) * THETA_SIZE), [count, THETA_SIZE]);
      const pose = tf.slice(rows, [0, POSE_OFFSET], [count, POSE_SIZE]);
      const shape = tf.slice(rows, [0, SHAPE_OFFSET], [count, SHAPE_SIZE]);
      const { keypoints } = body.posedKeypoints(pose, shape, CANONICAL_SET);
      return tf.slice(keypoints, [0, 0, 0], [count, LSP_JOINT_COUNT, 3]).dataSync();
    });
    out.set(joints, first * LSP_JOINT_COUNT * 3);
  }
  return out;
}
