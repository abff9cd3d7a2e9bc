/**
 * What every dataset importer provides, and the runner that stores what they read: each sequence
 * in its own transaction (re-importing replaces it), a bad file reported with its path and key
 * while the other files go on.
 */
import { HmmrError, InterruptedError } from '../errors.js';
import type { Db } from '../store/database.js';
import { replaceSyntheticTubes, type GroundTruthTubeToStore } from '../store/ground-truth.js';
import { replacePoseBankClip, type PoseBankClip } from '../store/pose-bank.js';
import type { TubeSplit, TubeTier } from '../store/tubes.js';

/** One sequence read from a dataset file, ready to store; its tubes' names start with `name` + '/'. */
export interface ImportedSequence {
  name: string;
  split: TubeSplit;
  tubes: GroundTruthTubeToStore[];
  /** MoCap without images (AMASS): poses for the pose bank instead of tubes. */
  poseBankClip?: PoseBankClip;
}

export interface DatasetImportOptions {
  /** Only sequences of this split. */
  split?: TubeSplit;
  /** Format-specific extra file (e.g. H36M camera parameters). */
  cameras?: string;
  /** Pose-bank rate that MoCap clips are resampled to (AMASS). */
  fps?: number;
  /** The path given to the import; file names below it name sequences (set by importDataset). */
  root?: string;
  /** VideoPose3D 2D source name: data_2d_h36m_<detector>.npz. */
  detector?: string;
}

export interface DatasetFormat {
  name: string;
  tier: TubeTier | 'pose-bank';
  /** Joint-set caveat every report of this format repeats (e.g. approximate 3DPW joints). */
  caveat?: string;
  /** The files to read below `path` (a dataset folder or one file); a UsageError/BadInputFileError when none. */
  findFiles(path: string, options: DatasetImportOptions): string[];
  /** Reads one file into sequences; throws a BadInputFileError naming the file and key. */
  readFile(file: string, options: DatasetImportOptions): ImportedSequence[];
}

export interface DatasetImportResult {
  dataset: string;
  sequences: { name: string; split: TubeSplit; tubes: number; frames: number }[];
  failures: { file: string; error: string }[];
}

export interface DatasetImportHooks {
  onFile?: (file: string) => void;
  signal?: AbortSignal;
}

/** Imports every file of `path` with `format` into the store. */
export function importDataset(db: Db, format: DatasetFormat, path: string, options: DatasetImportOptions, hooks: DatasetImportHooks = {}): DatasetImportResult {
  const result: DatasetImportResult = { dataset: format.name, sequences: [], failures: [] };
  options = { ...options, root: path };
  for (const file of format.findFiles(path, options)) {
    if (hooks.signal?.aborted) throw new InterruptedError();
    let sequences: ImportedSequence[];
    try {
      sequences = format.readFile(file, options).filter((sequence) => options.split === undefined || sequence.split === options.split);
    } catch (error) {
      if (!(error instanceof HmmrError)) throw error;
      result.failures.push({ file, error: error.message });
      hooks.onFile?.(file);
      continue;
    }
    for (const sequence of sequences) {
      if (sequence.poseBankClip) replacePoseBankClip(db, sequence.poseBankClip);
      else replaceSyntheticTubes(db, `${sequence.name}/`, sequence.tubes);
      const frames = sequence.poseBankClip ? sequence.poseBankClip.poses.length / 72 : sequence.tubes.reduce((sum, tube) => sum + tube.frames.length, 0);
      result.sequences.push({ name: sequence.name, split: sequence.split, tubes: sequence.tubes.length, frames });
    }
    hooks.onFile?.(file);
  }
  return result;
}
