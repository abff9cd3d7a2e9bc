import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { UsageError } from '../errors.js';
import { applyTestTime } from '../predict/test-time.js';
import type { Db } from '../store/database.js';
import { loadTubes, type TubeSplit } from '../store/tubes.js';
import { initBackend } from '../tf/backend.js';
import { loadTrainingBodyModel } from '../train/body-model.js';
import { KEYPOINT_COUNT } from '../train/data/sequence.js';
import { tubeToSequence } from '../train/data/store-sequences.js';
import { FeatureCache } from '../train/features/cache.js';
import { createFeatureExtractor } from '../train/features/create.js';
import { jointsOfTheta, loadPredictionModel, predictFrames } from '../train/predict.js';
import { POSE_OFFSET, POSE_SIZE, THETA_SIZE } from '../train/theta.js';
import { computeDynamicsReport, type DynamicsReport, type DynamicsSequence } from './dynamics.js';
import { readGroundTruthEvalSet } from './ground-truth-set.js';

export interface DynamicsEvalOptions {
  backend?: string;
  /** Default `<db>.features`, the cache training and prediction use. */
  featureCacheDir?: string;
  /** Only tubes whose name starts with this (one dataset of a split). */
  namePrefix?: string;
  /** Average each frame's predictions with those of the mirrored frame (src/predict/flip-averaging.ts). */
  flipAverage?: boolean;
  signal?: AbortSignal;
  onTube?: (done: number, total: number) => void;
}

/** The table, or why this checkpoint cannot make one (a model without hallucinator or Δt heads). */
export type DynamicsOutcome = { report: DynamicsReport; skipped?: undefined } | { report?: undefined; skipped: string };

/**
 * Runs a checkpoint's hallucinator on every frame of the split's mocap3d tubes, each frame ALONE
 * (no temporal context), and scores its past/present/future poses against the ground truth
 * shifted by ∓Δt (computeDynamicsReport). f_Δt returns poses only, so the past and future joints
 * come from the body model with the present frame's shape, as the paper does.
 */
export async function evaluateCheckpointDynamics(db: Db, dbPath: string, checkpoint: string, split: TubeSplit, options: DynamicsEvalOptions = {}): Promise<DynamicsOutcome> {
  await initBackend(options.backend);
  const model = loadPredictionModel(checkpoint);
  const { config } = model;
  try {
    if (!config.model.hallucinator || !config.model.deltaHeads) {
      return { skipped: `config '${config.name}' has no ${config.model.hallucinator ? 'Δt heads' : 'hallucinator'}: single-frame past/future cannot be predicted` };
    }
    const gtByName = new Map(readGroundTruthEvalSet(db, dbPath, split, options.namePrefix).sequences.map((sequence) => [sequence.name, sequence]));
    const body = loadTrainingBodyModel(config.bodyModel);
    const extractor = await createFeatureExtractor(config.features, { visibilityThreshold: config.data.visibilityThreshold });
    try {
      if (extractor.sha !== model.features.sha || extractor.dims !== model.features.dims) {
        throw new UsageError(`${model.checkpointDir} was trained on features '${model.features.extractor}' (${model.features.sha}); this machine's extractor gives ${extractor.sha}`);
      }
      const cache = new FeatureCache(options.featureCacheDir ?? `${dbPath}.features`);
      const tubes = loadTubes(db, { tier: 'mocap3d', split, withoutRejected: true, namePrefix: options.namePrefix });
      const sequences: DynamicsSequence[] = [];
      for (const tube of tubes) {
        if (options.signal?.aborted) break;
        const gt = gtByName.get(tube.name);
        if (!gt) continue;
        const input = await tubeToSequence(db, dbPath, tube, { extractor, cache, signal: options.signal });
        const present = await applyTestTime(
          {
            plain: predictFrames(model.network, body, input.features.original),
            predictMirrored: () => predictFrames(model.network, body, input.features.mirrored),
            keypoints: input.keypoints,
            keypointsPerFrame: KEYPOINT_COUNT,
            jointsOf: (theta) => jointsOfTheta(body, theta),
          },
          { flipAverage: options.flipAverage },
        );
        sequences.push({
          name: tube.name,
          frameCount: present.frameCount,
          gtJoints3d: gt.joints3d,
          ...(gt.visible ? { visible: gt.visible } : {}),
          past: jointsOfTheta(body, withPose(present.theta, present.pastPose!)),
          current: present.joints3d,
          future: jointsOfTheta(body, withPose(present.theta, present.futurePose!)),
        });
        options.onTube?.(sequences.length, tubes.length);
      }
      return { report: computeDynamicsReport(sequences, config.model.deltaFrames, LSP_JOINT_COUNT) };
    } finally {
      await extractor.close();
      body.dispose();
    }
  } finally {
    model.dispose();
  }
}

/** Θ rows with their pose replaced by `poses` [N, 72]: the present camera and shape are kept. */
function withPose(theta: Float32Array, poses: Float32Array): Float32Array {
  const out = theta.slice();
  const n = theta.length / THETA_SIZE;
  for (let i = 0; i < n; i++) out.set(poses.subarray(i * POSE_SIZE, (i + 1) * POSE_SIZE), i * THETA_SIZE + POSE_OFFSET);
  return out;
}
