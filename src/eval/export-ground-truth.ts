import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from '../store/database.js';
import type { TubeSplit } from '../store/tubes.js';
import { writeEvalFile } from './eval-file.js';
import type { EvalJointSet } from './eval-set.js';
import { approximateJointsCaveat, readGroundTruthEvalSet } from './ground-truth-set.js';

export interface GroundTruthExport {
  file: string;
  split: TubeSplit;
  sequences: number;
  frames: number;
  /** Set when some sequences carry approximate joints. */
  caveat: string | null;
}

/**
 * `hmmr export --format eval-gt`: the stored ground truth of one split (mocap3d tubes whose name
 * starts with `namePrefix`) on `jointSet` as an eval file (docs/eval-format.md), so any tool's predictions can be
 * scored with `hmmr eval --pred … --gt <file>`.
 */
export function exportGroundTruth(db: Db, dbPath: string, file: string, split: TubeSplit, namePrefix = '', jointSet: EvalJointSet = 'lsp14'): GroundTruthExport {
  const set = readGroundTruthEvalSet(db, dbPath, split, namePrefix, jointSet);
  mkdirSync(dirname(file), { recursive: true });
  writeEvalFile(file, { fps: set.fps, jointSet: set.jointSet, sequences: set.sequences });
  const caveat = set.approximateJointTubes.length > 0 ? approximateJointsCaveat(set.approximateJointTubes.length, set.sequences.length) : null;
  return { file, split, sequences: set.sequences.length, frames: set.sequences.reduce((sum, sequence) => sum + sequence.frameCount, 0), caveat };
}
