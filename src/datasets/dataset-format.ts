/**
 * What every dataset importer provides, and the runner that stores what they read: each sequence
 * in its own transaction (re-importing replaces it), a bad file reported with its path and key
 * while the other files go on.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BadInputFileError, HmmrError, InterruptedError } from '../errors.js';
import { registerImageFolder } from '../ingest/image-folder.js';
import { describeImageSequence } from '../video/image-sequence.js';
import type { Db } from '../store/database.js';
import { replaceSyntheticTubes, type GroundTruthTubeToStore } from '../store/ground-truth.js';
import { replacePoseBankClip, type PoseBankClip } from '../store/pose-bank.js';
import type { TubeSplit, TubeTier } from '../store/tubes.js';
import type { ThreeDpwSmpl } from './threedpw-smpl.js';

/** One sequence read from a dataset file, ready to store; its tubes' names start with `name` + '/'. */
export interface ImportedSequence {
  name: string;
  split: TubeSplit;
  tubes: GroundTruthTubeToStore[];
  /** MoCap without images (AMASS): poses for the pose bank instead of tubes. */
  poseBankClip?: PoseBankClip;
  /** Where the sequence's frames would be; registered as its tubes' video when the folder exists. */
  frameFolder?: FrameFolder;
  /** Lines the import reports for this sequence (e.g. a neutral SMPL standing in for a gendered one). */
  notes?: string[];
}

/** A dataset sequence's image folder, as the dataset lays it out. */
export interface FrameFolder {
  path: string;
  fps: number;
  /** The number in the name of the image that is tube frame 0 (3DPW image_00000 → 0, Penn 000001 → 1). */
  firstNumber: number;
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
  /** 3DPW: the user's SMPL models (and Human3.6M joint regressor) for the published ground truth. */
  smpl?: ThreeDpwSmpl;
}

export interface DatasetFormat {
  name: string;
  tier: TubeTier | 'pose-bank';
  /** Joint-set caveat every report of this format repeats (e.g. approximate 3DPW joints), given the import's options. */
  caveat?: (options: DatasetImportOptions) => string | undefined;
  /** The files to read below `path` (a dataset folder or one file); a UsageError/BadInputFileError when none. */
  findFiles(path: string, options: DatasetImportOptions): string[];
  /** Reads one file into sequences; throws a BadInputFileError naming the file and key. */
  readFile(file: string, options: DatasetImportOptions): ImportedSequence[];
}

export interface DatasetImportResult {
  dataset: string;
  /** `videoId`: the registered image folder the tubes point at (null: no folder, tubes without frames). */
  sequences: { name: string; split: TubeSplit; tubes: number; frames: number; videoId: number | null }[];
  failures: { file: string; error: string }[];
  /** The imported sequences' notes (ImportedSequence.notes). */
  notes: string[];
}

export interface DatasetImportHooks {
  onFile?: (file: string) => void;
  signal?: AbortSignal;
}

/**
 * Imports every file of `path` with `format` into the store. A sequence whose image folder exists
 * gets it registered as a video first (a folder that is no clean image sequence fails the sequence).
 */
export async function importDataset(db: Db, format: DatasetFormat, path: string, options: DatasetImportOptions, hooks: DatasetImportHooks = {}): Promise<DatasetImportResult> {
  const result: DatasetImportResult = { dataset: format.name, sequences: [], failures: [], notes: [] };
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
      let videoId: number | null = null;
      try {
        videoId = await registerFrameFolder(db, sequence);
      } catch (error) {
        if (!(error instanceof HmmrError)) throw error;
        result.failures.push({ file, error: `${sequence.name}: ${error.message}` });
        continue;
      }
      if (sequence.poseBankClip) replacePoseBankClip(db, sequence.poseBankClip);
      else replaceSyntheticTubes(db, `${sequence.name}/`, sequence.tubes, videoId);
      const frames = sequence.poseBankClip ? sequence.poseBankClip.poses.length / 72 : sequence.tubes.reduce((sum, tube) => sum + tube.frames.length, 0);
      result.sequences.push({ name: sequence.name, split: sequence.split, tubes: sequence.tubes.length, frames, videoId });
      result.notes.push(...(sequence.notes ?? []));
    }
    hooks.onFile?.(file);
  }
  return result;
}

/**
 * The sequence's image folder as a video, or null when the dataset's frames are not there. Its
 * numbering must start where the labels do and hold every labelled frame, or frame indices would
 * point at the wrong pictures.
 */
async function registerFrameFolder(db: Db, sequence: ImportedSequence): Promise<number | null> {
  const folder = sequence.frameFolder;
  if (!folder || !existsSync(folder.path)) return null;
  const images = describeImageSequence(resolve(folder.path));
  if (images.firstNumber !== folder.firstNumber) {
    throw new BadInputFileError(folder.path, `the first image is ${images.files[0]}, numbered ${images.firstNumber}; the labels' frame 0 is image ${folder.firstNumber}`);
  }
  const lastFrame = Math.max(...sequence.tubes.flatMap((tube) => tube.frames.map((frame) => frame.frameIndex)));
  if (lastFrame >= images.files.length) {
    throw new BadInputFileError(folder.path, `${images.files.length} images, but the labels reach frame ${lastFrame}`);
  }
  return (await registerImageFolder(db, images, folder.fps)).videoId;
}
