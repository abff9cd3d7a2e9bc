import type { BodyModel } from '../body/types.js';
import { loadTrainingBodyModel } from '../train/body-model.js';
import { readCheckpoint, readCheckpointInfo, type FeatureIdentity } from '../train/checkpoint.js';
import { modelKind, type TrainConfig } from '../train/config.js';
import { jointsOfTheta, loadPredictionModel, predictSequence, type SequencePrediction } from '../train/predict.js';
import { THETA_SIZE } from '../train/theta.js';
import { liftSequence, loadVp3dLifter, type LiftedSequence } from '../train/vp3d/predict-vp3d.js';

/** A checkpoint of either model kind, ready to predict whole tubes. */
export interface SequencePredictor {
  checkpointDir: string;
  step: number;
  config: TrainConfig;
  features: FeatureIdentity;
  /** A tube's features [F, D] → per-frame predictions; `blank` pads HMMR's windows at the ends. */
  predict(features: Float32Array, blank: Float32Array): SequencePrediction;
  /** Θ rows → LSP-14 joints with the checkpoint's body model; absent for the lifter, which predicts no Θ. */
  jointsOfTheta?: (theta: Float32Array) => Float32Array;
  /** The checkpoint's body model (for the pose fit); absent for the lifter. */
  body?: BodyModel;
  dispose(): void;
}

/** Loads a checkpoint (or a run folder's latest) and dispatches on the model kind its config records. */
export function loadSequencePredictor(path: string): SequencePredictor {
  const info = readCheckpointInfo(path);
  const base = { checkpointDir: info.dir, step: info.step, config: info.config, features: info.features };
  if (modelKind(info.config) === 'vp3d') {
    const lifter = loadVp3dLifter(readCheckpoint(info.dir, { withOptimizer: false }), info.dir);
    return { ...base, predict: (features) => liftedPrediction(liftSequence(lifter, features)), dispose: () => lifter.dispose() };
  }
  const model = loadPredictionModel(info.dir);
  const body = loadTrainingBodyModel(model.config.bodyModel);
  return {
    ...base,
    predict: (features, blank) => predictSequence(model.network, body, features, blank, model.config.data.windowFrames),
    jointsOfTheta: (theta) => jointsOfTheta(body, theta),
    body,
    dispose: () => {
      body.dispose();
      model.dispose();
    },
  };
}

/**
 * The lifter's joints in the prediction layout. It predicts joints, not SMPL: Θ's camera columns
 * hold the camera from its trajectory model and the pose and shape columns are NaN (not predicted).
 */
function liftedPrediction(lifted: LiftedSequence): SequencePrediction {
  const frameCount = lifted.cameras.length / 3;
  const theta = new Float32Array(frameCount * THETA_SIZE).fill(Number.NaN);
  for (let f = 0; f < frameCount; f++) theta.set(lifted.cameras.subarray(f * 3, f * 3 + 3), f * THETA_SIZE);
  return { frameCount, theta, joints3d: lifted.joints3d };
}
