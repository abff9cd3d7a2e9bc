import { LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import { BadInputFileError } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { readTubeGroundTruth, readTubeTake } from '../../store/ground-truth.js';
import { lsp14OfFrame } from './lsp14-ground-truth.js';
import { loadTubes, type StoredTube, type TubeFilter, type TubeTier } from '../../store/tubes.js';
import { getVideo } from '../../store/videos.js';
import { extractFeatures, type FeatureCache } from '../features/cache.js';
import type { FeatureExtractor } from '../features/extractor.js';
import { POSE_SIZE, SHAPE_SIZE } from '../theta.js';
import { normaliseTubeKeypoints, type SequenceGroundTruth, type TrainingSequence } from './sequence.js';

export interface SequenceSelection extends TubeFilter {
  /** Only these tiers (default: all three). */
  tiers?: readonly TubeTier[];
}

export interface LoadSequencesOptions {
  extractor: FeatureExtractor;
  cache?: FeatureCache;
  signal?: AbortSignal;
  /** Called after each tube (progress). */
  onTube?: (done: number, total: number) => void;
}

/**
 * Tubes from the database as training/prediction sequences: keypoints mapped from the detector
 * format onto the canonical set and normalised to the crop, features from the extractor (cached),
 * and the 3D ground truth of mocap3d tubes. Tubes and their ground truth are read by the store.
 */
export async function loadSequences(db: Db, dbPath: string, selection: SequenceSelection, options: LoadSequencesOptions): Promise<TrainingSequence[]> {
  const { tiers, ...filter } = selection;
  const tubes = loadTubes(db, { ...filter, withoutRejected: true }).filter((tube) => !tiers || tiers.includes(tube.tier));
  const sequences: TrainingSequence[] = [];
  for (const tube of tubes) {
    if (options.signal?.aborted) break;
    sequences.push(await tubeToSequence(db, dbPath, tube, options));
    options.onTube?.(sequences.length, tubes.length);
  }
  return sequences;
}

export async function tubeToSequence(db: Db, dbPath: string, tube: StoredTube, options: LoadSequencesOptions): Promise<TrainingSequence> {
  const keypoints = normaliseTubeKeypoints(tube.frames, tube.keypointFormat);
  const videoPath = tube.videoId !== null ? getVideo(db, tube.videoId)?.path : undefined;
  const features = await extractFeatures(options.extractor, { tubeId: String(tube.id), videoPath, frames: tube.frames, keypoints }, options.cache, options.signal);
  const sequence: TrainingSequence = { id: String(tube.id), name: tube.name, tier: tube.tier, frameCount: tube.frames.length, keypoints, features, blankFeatures: options.extractor.blank() };
  if (tube.tier === 'mocap3d') sequence.groundTruth = readGroundTruth(db, dbPath, tube);
  const take = readTubeTake(db, tube.id);
  if (take !== null) sequence.take = take;
  return sequence;
}

function readGroundTruth(db: Db, dbPath: string, tube: StoredTube): SequenceGroundTruth | undefined {
  const stored = readTubeGroundTruth(db, tube.id);
  if (stored.length === 0) return undefined;
  const f = tube.frames.length;
  const gt: SequenceGroundTruth = { joints3d: new Float32Array(f * LSP_JOINT_COUNT * 3), hasJoints: new Uint8Array(f) };
  const pose = new Float32Array(f * POSE_SIZE);
  const shape = new Float32Array(f * SHAPE_SIZE);
  const hasSmpl = new Uint8Array(f);
  const rowOf = new Map(tube.frames.map((frame, row) => [frame.frameIndex, row]));
  for (const frame of stored) {
    const row = rowOf.get(frame.frameIndex);
    if (row === undefined) continue;
    const lsp = lsp14OfFrame(frame);
    if (!lsp) throw new BadInputFileError(dbPath, `tube ${tube.id} '${tube.name}' frame ${frame.frameIndex}: ground truth joint set '${frame.jointSet}' has no LSP-14, which training needs`);
    gt.joints3d.set(lsp.joints3d, row * LSP_JOINT_COUNT * 3);
    // A frame whose stored joints are all invisible (3DPW's invalid camera poses) has no usable 3D.
    gt.hasJoints[row] = lsp.visible && !lsp.visible.some((flag) => flag > 0) ? 0 : 1;
    if (frame.pose?.length === POSE_SIZE && frame.shape?.length === SHAPE_SIZE) {
      pose.set(frame.pose, row * POSE_SIZE);
      shape.set(frame.shape, row * SHAPE_SIZE);
      hasSmpl[row] = 1;
    }
  }
  if (hasSmpl.some((value) => value === 1)) Object.assign(gt, { pose, shape, hasSmpl });
  return gt;
}
