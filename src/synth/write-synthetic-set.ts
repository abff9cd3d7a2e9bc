import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import type { Db } from '../store/database.js';
import { replaceSyntheticTubes, type GroundTruthTubeToStore } from '../store/ground-truth.js';
import { replacePoseBankClipsWithPrefix } from '../store/pose-bank.js';
import { writeEvalFile } from '../eval/eval-file.js';
import type { EvalSequence } from '../eval/eval-set.js';
import { syntheticNamePrefix, type SyntheticSequence, type SynthOptions, type SynthSplit, type SynthTier } from './generate.js';

/**
 * Where a generated set goes: every sequence into the database as a tube of the set's tier
 * (MoCap by default) with its ground truth, and the ground truth of each split into an eval file for `hmmr eval --gt`:
 * `<out>/gt.json` for the held-out test split, `<out>/gt-train.json` for the rest. The `pose-bank`
 * tier stores only every sequence's poses, as clips of the pose bank (unpaired MoCap for the
 * adversarial prior, like `hmmr import amass`): no tubes, no splits, no eval files.
 */
export const GT_FILE_BY_SPLIT: Readonly<Record<SynthSplit, string>> = { test: 'gt.json', train: 'gt-train.json' };

export interface WrittenSyntheticSet {
  tubeIds: number[];
  /** Eval files written, by split (a split without sequences gets none). */
  gtFiles: Partial<Record<SynthSplit, string>>;
}

export function writeSyntheticSet(db: Db, outDir: string, options: SynthOptions, sequences: readonly SyntheticSequence[]): WrittenSyntheticSet {
  const tier = options.tier ?? 'mocap3d';
  if (tier === 'pose-bank') {
    const clips = sequences.map((sequence) => ({ source: sequence.spec.name, fps: sequence.fps, poses: sequence.poses }));
    replacePoseBankClipsWithPrefix(db, syntheticNamePrefix(options.seed), clips);
    return { tubeIds: [], gtFiles: {} };
  }
  const tubeIds = replaceSyntheticTubes(db, syntheticNamePrefix(options.seed), sequences.map((sequence) => toGroundTruthTube(sequence, tier)));
  mkdirSync(outDir, { recursive: true });
  const gtFiles: Partial<Record<SynthSplit, string>> = {};
  for (const split of ['test', 'train'] as const) {
    const inSplit = sequences.filter((sequence) => sequence.split === split);
    if (inSplit.length === 0) continue;
    const path = join(outDir, GT_FILE_BY_SPLIT[split]);
    writeEvalFile(path, { fps: options.fps, jointSet: 'lsp14', sequences: inSplit.map(toEvalSequence) });
    gtFiles[split] = path;
  }
  return { tubeIds, gtFiles };
}

function toGroundTruthTube(sequence: SyntheticSequence, tier: Exclude<SynthTier, 'pose-bank'>): GroundTruthTubeToStore {
  return {
    name: sequence.spec.name,
    take: sequence.take,
    trackId: sequence.tube.trackId,
    keypointFormat: sequence.tube.keypointFormat,
    tier,
    split: sequence.split,
    fps: sequence.fps,
    frames: sequence.tube.frames,
    jointSet: 'lsp14',
    groundTruth: sequence.tube.frames.map((frame, f) => ({
      frameIndex: frame.frameIndex,
      joints3d: sequence.joints3d.subarray(f * LSP_JOINT_COUNT * 3, (f + 1) * LSP_JOINT_COUNT * 3),
      pose: sequence.poses.subarray(f * 72, (f + 1) * 72),
      shape: sequence.spec.shape,
      camera: sequence.cameras.subarray(f * 3, (f + 1) * 3),
    })),
  };
}

/** MoCap truth has no occlusion: every ground-truth point is visible. */
function toEvalSequence(sequence: SyntheticSequence): EvalSequence {
  return {
    name: sequence.spec.name,
    frameCount: sequence.frameCount,
    joints3d: Float64Array.from(sequence.joints3d),
    joints2d: sequence.joints2dCrop,
    visible: new Uint8Array(sequence.frameCount * LSP_JOINT_COUNT).fill(1),
  };
}
