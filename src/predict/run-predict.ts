import { resolve } from 'node:path';
import { InterruptedError, UsageError } from '../errors.js';
import type { Db } from '../store/database.js';
import { finishPredictionRun, openPredictionRun, predictedTubeIds, readTubePredictions, storeTubePrediction } from '../store/predictions.js';
import { listTubes, readTubeFrames, type TubeFilter } from '../store/tubes.js';
import { findVideo } from '../store/videos.js';
import { initBackend, type BackendInfo } from '../tf/backend.js';
import { tubeToSequence } from '../train/data/store-sequences.js';
import { FeatureCache } from '../train/features/cache.js';
import { createFeatureExtractor } from '../train/features/create.js';
import { KEYPOINT_COUNT } from '../train/data/sequence.js';
import type { SequencePrediction } from '../train/predict.js';
import { applyTestTime, enabledTestTime, type TestTimeOptions } from './test-time.js';
import { loadSequencePredictor, type SequencePredictor } from './sequence-predictor.js';

export interface PredictTubesOptions extends TestTimeOptions {
  db: Db;
  dbPath: string;
  /** Checkpoint folder or run folder (its latest checkpoint). */
  checkpoint: string;
  /** Only this video's tubes (id or path). */
  video?: string;
  filter?: Omit<TubeFilter, 'videoId'>;
  backend?: string;
  featureCacheDir?: string;
  /**
   * Also record the predictions in the database as a prediction run, one committed transaction per
   * tube; a run with the same checkpoint and settings is continued, skipping the tubes it holds.
   */
  store?: boolean;
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
  /** The test-time options the predictions went through, only those that were on (enabledTestTime; written into prediction files). */
  testTime: TestTimeOptions;
  /** Tubes predicted by this call (with `store`, not those the continued run already held). */
  tubes: TubePrediction[];
  /** With `store`: the prediction run, whether it was continued, and whether it is complete. */
  stored?: { runId: number; resumed: boolean; skippedTubes: number; complete: boolean };
}

/**
 * Predictions for every selected tube of the database: features from the checkpoint's extractor
 * (cached), then the temporal model over sliding windows (predictSequence). This is what
 * `hmmr predict` writes and what `hmmr eval --checkpoint` scores (predictEvalSet).
 */
export async function predictTubes(options: PredictTubesOptions): Promise<PredictionRun> {
  const backend = await initBackend(options.backend);
  options.onBackend?.(backend);
  const model = loadSequencePredictor(options.checkpoint);
  const { config } = model;
  const testTime = enabledTestTime(options);
  const extractor = await createFeatureExtractor(config.features, { visibilityThreshold: config.data.visibilityThreshold });
  try {
    if (testTime.refineOrientation && !model.jointsOfTheta) {
      throw new UsageError(`${model.checkpointDir} is a VideoPose3D lifter: it predicts joints, not a body rotation to refine (--refine-orientation needs an HMMR checkpoint)`);
    }
    if (testTime.refinePose && !model.body) {
      throw new UsageError(`${model.checkpointDir} is a VideoPose3D lifter: it predicts joints, not a body pose to fit (--refine-pose needs an HMMR checkpoint)`);
    }
    if (testTime.flipAverage && !model.jointsOfTheta) {
      throw new UsageError(`${model.checkpointDir} is a VideoPose3D lifter: --flip-average averages HMMR's body rotations and needs an HMMR checkpoint`);
    }
    if (extractor.sha !== model.features.sha || extractor.dims !== model.features.dims) {
      throw new UsageError(`${model.checkpointDir} was trained on features '${model.features.extractor}' (${model.features.sha}); this machine's extractor gives ${extractor.sha}`);
    }
    let videoId: number | undefined;
    if (options.video !== undefined) {
      const video = findVideo(options.db, options.video);
      if (!video) throw new UsageError(`no video '${options.video}' in ${options.dbPath}`);
      videoId = video.id;
    }
    const tubes = listTubes(options.db, { ...options.filter, videoId });
    const stored = options.store ? openStoredRun(options.db, model, backend, { videoId: videoId ?? null, split: options.filter?.split ?? null, tier: options.filter?.tier ?? null, ...testTime }) : undefined;
    const cache = new FeatureCache(options.featureCacheDir ?? `${options.dbPath}.features`);
    const predictions: TubePrediction[] = [];
    let skippedTubes = 0;
    for (const info of tubes) {
      if (options.signal?.aborted) break;
      if (stored?.done.has(info.id)) {
        skippedTubes++;
        options.onTube?.(predictions.length + skippedTubes, tubes.length);
        continue;
      }
      const tube = { ...info, frames: readTubeFrames(options.db, info.id) };
      const sequence = await tubeToSequence(options.db, options.dbPath, tube, { extractor, cache, signal: options.signal });
      if (options.signal?.aborted) break;
      let prediction: SequencePrediction;
      try {
        prediction = await applyTestTime(
          {
            plain: model.predict(sequence.features.original, extractor.blank()),
            // A black crop is its own mirror: the same blank pads the mirrored tube.
            predictMirrored: () => model.predict(sequence.features.mirrored, extractor.blank()),
            keypoints: sequence.keypoints,
            keypointsPerFrame: KEYPOINT_COUNT,
            jointsOf: model.jointsOfTheta!,
            body: model.body,
          },
          testTime,
          options.signal,
        );
      } catch (error) {
        // Ctrl-C during a long tube's pose fit: that tube is not stored; the run stays resumable.
        if (error instanceof InterruptedError) break;
        throw error;
      }
      const tubePrediction: TubePrediction = {
        ...prediction,
        tubeId: tube.id,
        name: tube.name,
        videoId: tube.videoId,
        fps: tube.fps,
        frameIndices: Int32Array.from(tube.frames, (frame) => frame.frameIndex),
      };
      if (stored) storeTubePrediction(options.db, stored.runId, tubePrediction);
      predictions.push(tubePrediction);
      options.onTube?.(predictions.length + skippedTubes, tubes.length);
    }
    const complete = predictions.length + skippedTubes === tubes.length;
    if (stored && complete) finishPredictionRun(options.db, stored.runId);
    return {
      checkpointDir: model.checkpointDir,
      step: model.step,
      configName: config.name,
      deltaFrames: config.model.deltaFrames,
      backend,
      testTime,
      tubes: predictions,
      stored: stored && { runId: stored.runId, resumed: stored.resumed, skippedTubes, complete },
    };
  } finally {
    await extractor.close();
    model.dispose();
  }
}

/** Every tube prediction a stored run holds, in the shape predictTubes returns (for prediction files). */
export function storedTubePredictions(db: Db, runId: number): TubePrediction[] {
  return readTubePredictions(db, runId).map((tube) => ({ ...tube, frameCount: tube.frameIndices.length }));
}

/** Opens (or continues) the database's prediction run for this checkpoint and tube selection. */
function openStoredRun(db: Db, model: SequencePredictor, backend: BackendInfo, settings: object): { runId: number; resumed: boolean; done: Set<number> } {
  const { runId, resumed } = openPredictionRun(db, {
    // Absolute, so the same checkpoint named from another folder continues the same run.
    checkpoint: resolve(model.checkpointDir),
    step: model.step,
    config: model.config,
    settings,
    backend: backend.name,
    jointSet: 'lsp14',
  });
  return { runId, resumed, done: predictedTubeIds(db, runId) };
}
