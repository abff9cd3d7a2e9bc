/**
 * `hmmr export-motion`: a stored prediction run's tubes as animation files, one per tube — BVH
 * (skeleton + motion), glTF binary (skinned body mesh + animation) or npz (SMPL parameters with
 * VIBE's keys) — optionally smoothed over time first.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyModelPath, loadBodyModelFile } from '../body/load.js';
import type { BodyModelData } from '../body/model-data.js';
import type { CropParams } from '../domain.js';
import { BadInputFileError, UsageError } from '../errors.js';
import type { Db } from '../store/database.js';
import { findPredictionRun, readTubePredictions, type StoredTubePrediction } from '../store/predictions.js';
import { readTubeFrames } from '../store/tubes.js';
import { getVideo } from '../store/videos.js';
import { encodeNpz } from '../util/npz.js';
import { writeBvh } from './bvh.js';
import { defaultFocalLength, type FrameSize } from './camera.js';
import { writeGlb } from './gltf.js';
import { restBody } from './rest-body.js';
import { skeletonAnimation } from './skeleton-animation.js';
import { smplArrays } from './smpl-npz.js';
import type { SmoothingOptions } from './smoothing.js';
import { smoothMotion, tubeMotion, type TubeMotion } from './tube-motion.js';

export const MOTION_FORMATS = ['bvh', 'glb', 'npz'] as const;
export type MotionFormat = (typeof MOTION_FORMATS)[number];

export interface ExportMotionOptions {
  db: Db;
  dbPath: string;
  /** Prediction run id; default the latest. */
  runId?: number;
  /** Only these tubes; default every tube of the run. */
  tubeIds?: readonly number[];
  format: MotionFormat;
  outDir: string;
  smoothing: SmoothingOptions;
  /** Body model for bvh/glb ('standin' or a file); default the run's checkpoint config's. */
  bodyModel?: string;
  /** Focal length in pixels for root translations; default the frame diagonal. */
  focalLength?: number;
  signal?: AbortSignal;
  onTube?: (done: number, total: number) => void;
}

export interface ExportedTube {
  tubeId: number;
  name: string;
  path: string;
  frames: number;
  /** Whether the root moves with the camera translation (the frame size was known). */
  translated: boolean;
}

export interface ExportMotionResult {
  runId: number;
  /** False while the run is still being predicted (interrupted): only its stored tubes are exported. */
  runComplete: boolean;
  bodyModel: string | null;
  tubes: ExportedTube[];
}

export function exportMotion(options: ExportMotionOptions): ExportMotionResult {
  const run = findPredictionRun(options.db, options.runId);
  if (!run) {
    throw new BadInputFileError(options.dbPath, options.runId === undefined ? 'no prediction runs; run hmmr predict first' : `no prediction run ${options.runId}`);
  }
  const predictions = readTubePredictions(options.db, run.id, options.tubeIds);
  const missing = options.tubeIds?.filter((id) => !predictions.some((tube) => tube.tubeId === id)) ?? [];
  if (missing.length > 0) throw new UsageError(`prediction run ${run.id} has no predictions for tube ${missing.join(', ')}`);
  if (predictions.length === 0) throw new BadInputFileError(options.dbPath, `prediction run ${run.id} holds no tubes yet`);

  const bodySpec = options.format === 'npz' ? null : (options.bodyModel ?? (typeof run.config['bodyModel'] === 'string' ? run.config['bodyModel'] : 'standin'));
  const body = bodySpec === null ? null : loadBodyModelFile(bodyModelPath(bodySpec));
  mkdirSync(options.outDir, { recursive: true });
  const tubes: ExportedTube[] = [];
  for (const prediction of predictions) {
    if (options.signal?.aborted) break;
    const frameSize = videoFrameSize(options.db, prediction.videoId);
    const focalLength = frameSize ? (options.focalLength ?? defaultFocalLength(frameSize)) : null;
    const motion = smoothMotion(tubeMotion(prediction, predictedCrops(options.db, prediction), frameSize, focalLength), options.smoothing);
    const path = join(options.outDir, `${fileStem(prediction)}.${options.format}`);
    writeAtomically(path, encode(motion, options.format, body));
    tubes.push({ tubeId: prediction.tubeId, name: prediction.name, path, frames: prediction.frameIndices.length, translated: motion.translations !== null });
    options.onTube?.(tubes.length, predictions.length);
  }
  return { runId: run.id, runComplete: run.status === 'done', bodyModel: bodySpec, tubes };
}

function encode(motion: TubeMotion, format: MotionFormat, body: BodyModelData | null): Uint8Array | string {
  if (format === 'npz') return encodeNpz(smplArrays(motion));
  const rest = restBody(body!, motion.betas);
  const animation = skeletonAnimation(motion, rest);
  return format === 'bvh' ? writeBvh(animation) : writeGlb(animation, body!, rest, motion.name);
}

/** The crops of the predicted frames (a tube's stored frames, matched by frame index). */
function predictedCrops(db: Db, prediction: StoredTubePrediction): CropParams[] {
  const byFrame = new Map(readTubeFrames(db, prediction.tubeId).map((frame) => [frame.frameIndex, frame.crop]));
  return Array.from(prediction.frameIndices, (frameIndex) => {
    const crop = byFrame.get(frameIndex);
    if (!crop) throw new UsageError(`tube ${prediction.tubeId} has no frame ${frameIndex} any more (re-tracked since the prediction run?)`);
    return crop;
  });
}

function videoFrameSize(db: Db, videoId: number | null): FrameSize | null {
  const video = videoId === null ? undefined : getVideo(db, videoId);
  return video ? { width: video.width, height: video.height } : null;
}

/** `<tube id>-<tube name with anything but letters, digits, . _ - replaced>`. */
function fileStem(prediction: StoredTubePrediction): string {
  return `${prediction.tubeId}-${prediction.name.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
}

/** Write to a temporary name, then rename: an interrupted export never leaves half a file. */
function writeAtomically(path: string, content: Uint8Array | string): void {
  const temporary = `${path}.partial`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}
