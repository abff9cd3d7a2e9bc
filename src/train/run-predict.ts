import { BadInputFileError, UsageError } from '../errors.js';
import type { LoadedEvalSet } from '../eval/eval-file.js';
import type { EvalSequence } from '../eval/eval-set.js';
import { projectToCrop } from '../eval/weak-perspective.js';
import type { Db } from '../store/database.js';
import { loadTubes, type TubeFilter } from '../store/tubes.js';
import { findVideo } from '../store/videos.js';
import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { initBackend, type BackendInfo } from './backend.js';
import { loadTrainingBodyModel } from './body-model.js';
import { tubeToSequence } from './data/store-sequences.js';
import { FeatureCache } from './features/cache.js';
import { createFeatureExtractor } from './features/create.js';
import { loadPredictionModel, predictSequence, type SequencePrediction } from './predict.js';
import { THETA_SIZE } from './theta.js';

export interface PredictTubesOptions {
  db: Db;
  dbPath: string;
  /** Checkpoint folder or run folder (its latest checkpoint). */
  checkpoint: string;
  /** Only this video's tubes (id or path). */
  video?: string;
  filter?: Omit<TubeFilter, 'videoId'>;
  backend?: string;
  featureCacheDir?: string;
  signal?: AbortSignal;
  onBackend?: (info: BackendInfo) => void;
  onTube?: (done: number, total: number) => void;
}

/** One tube's predictions, frames in tube order. */
export interface TubePrediction extends SequencePrediction {
  tubeId: number;
  name: string;
  videoId: number | null;
  fps: number;
  frameIndices: Int32Array;
}

export interface PredictionRun {
  checkpointDir: string;
  step: number;
  configName: string;
  deltaFrames: number;
  backend: BackendInfo;
  tubes: TubePrediction[];
}

/**
 * Predictions for every selected tube of the database: features from the checkpoint's extractor
 * (cached), then the temporal model over sliding windows (predictSequence). This is what
 * `hmmr predict` writes and what `hmmr eval --checkpoint` scores (predictEvalSet).
 */
export async function predictTubes(options: PredictTubesOptions): Promise<PredictionRun> {
  const backend = await initBackend(options.backend);
  options.onBackend?.(backend);
  const model = loadPredictionModel(options.checkpoint);
  const { config } = model;
  const body = loadTrainingBodyModel(config.bodyModel);
  const extractor = await createFeatureExtractor(config.features, { visibilityThreshold: config.data.visibilityThreshold });
  try {
    if (extractor.sha !== model.features.sha || extractor.dims !== model.features.dims) {
      throw new UsageError(`${model.checkpointDir} was trained on features '${model.features.extractor}' (${model.features.sha}); this machine's extractor gives ${extractor.sha}`);
    }
    let videoId: number | undefined;
    if (options.video !== undefined) {
      const video = findVideo(options.db, options.video);
      if (!video) throw new UsageError(`no video '${options.video}' in ${options.dbPath}`);
      videoId = video.id;
    }
    const tubes = loadTubes(options.db, { ...options.filter, videoId });
    const cache = new FeatureCache(options.featureCacheDir ?? `${options.dbPath}.features`);
    const predictions: TubePrediction[] = [];
    for (const tube of tubes) {
      if (options.signal?.aborted) break;
      const sequence = await tubeToSequence(options.db, options.dbPath, tube, { extractor, cache, signal: options.signal });
      const prediction = predictSequence(model.network, body, sequence.features.original, extractor.blank(), config.data.windowFrames);
      predictions.push({
        ...prediction,
        tubeId: tube.id,
        name: tube.name,
        videoId: tube.videoId,
        fps: tube.fps,
        frameIndices: Int32Array.from(tube.frames, (frame) => frame.frameIndex),
      });
      options.onTube?.(predictions.length, tubes.length);
    }
    return { checkpointDir: model.checkpointDir, step: model.step, configName: config.name, deltaFrames: config.model.deltaFrames, backend, tubes: predictions };
  } finally {
    await extractor.close();
    body.dispose();
    model.dispose();
  }
}

/**
 * The checkpoint's predictions for the mocap3d tubes of a split as an eval set (sequence name =
 * tube name, as src/eval/ground-truth-set.ts names the ground truth): 3D joints, and 2D joints in
 * crop pixels through each frame's predicted camera, for PCK.
 */
export async function predictEvalSet(db: Db, dbPath: string, checkpoint: string, split: 'train' | 'val' | 'test', options: { backend?: string; signal?: AbortSignal } = {}): Promise<LoadedEvalSet> {
  const run = await predictTubes({ db, dbPath, checkpoint, filter: { tier: 'mocap3d', split, withoutRejected: true }, backend: options.backend, signal: options.signal });
  if (run.tubes.length === 0) throw new BadInputFileError(dbPath, `no mocap3d tubes in the ${split} split`);
  const sequences = run.tubes.map((tube): EvalSequence => {
    const cameras = new Float32Array(tube.frameCount * 3);
    for (let f = 0; f < tube.frameCount; f++) cameras.set(tube.theta.subarray(f * THETA_SIZE, f * THETA_SIZE + 3), f * 3);
    return {
      name: tube.name,
      frameCount: tube.frameCount,
      joints3d: Float64Array.from(tube.joints3d),
      joints2d: projectToCrop(tube.joints3d, cameras, LSP_JOINT_COUNT),
    };
  });
  return { path: run.checkpointDir, fps: run.tubes[0]!.fps, jointSet: 'lsp14', sequences };
}
