/**
 * AMASS (Mahmood et al., ICCV 2019): one npz per MoCap clip with `poses` (T, 156) SMPL-H
 * axis-angle, `trans`, `betas`, `gender`, `mocap_framerate`. The SMPL body pose is the first 66
 * values (root + 21 body joints) with SMPL's two hand joints set to zero. Each clip is resampled to
 * the pose-bank rate by taking the nearest recorded frame at every 1/fps step (no interpolation of
 * rotations), and stored as one pose-bank row.
 */
import { basename, relative, sep } from 'node:path';
import { SMPL_POSE_SIZE } from '../body/joint-sets.js';
import type { DatasetFormat, ImportedSequence } from './dataset-format.js';
import { findDatasetFiles } from './find-files.js';
import { readDatasetNpz } from './read/dataset-npz.js';

const SMPLH_POSE_SIZE = 156;
/** Root + 21 body joints: the part of an SMPL-H pose that SMPL shares. */
const BODY_POSE_SIZE = 66;
export const DEFAULT_POSE_BANK_FPS = 25;

export const amassFormat: DatasetFormat = {
  name: 'amass',
  tier: 'pose-bank',
  findFiles: (path) => findDatasetFiles(path, '.npz', 'AMASS clips (*_poses.npz)', (file) => !file.endsWith('shape.npz')),
  readFile: (file, options) => [readAmassClip(file, options.root ?? file, options.fps ?? DEFAULT_POSE_BANK_FPS)],
};

function readAmassClip(file: string, root: string, fps: number): ImportedSequence {
  const fields = readDatasetNpz(file);
  const poses = fields.floats('poses', [undefined, SMPLH_POSE_SIZE]);
  const sourceFps = fields.number('mocap_framerate');
  if (!(sourceFps > 0)) fields.fail('mocap_framerate', `${sourceFps}, expected a positive rate`);
  const frames = resampleIndices(poses.shape[0]!, sourceFps, fps);
  const out = new Float32Array(frames.length * SMPL_POSE_SIZE);
  frames.forEach((source, f) => out.set(poses.values.subarray(source * SMPLH_POSE_SIZE, source * SMPLH_POSE_SIZE + BODY_POSE_SIZE), f * SMPL_POSE_SIZE));
  const clip = (relative(root, file) || basename(file)).split(sep).join('/').replace(/\.npz$/, '');
  const name = `amass/${clip}`;
  return { name, split: 'train', tubes: [], poseBankClip: { source: name, fps, poses: out } };
}

/** Source frame nearest to each output time k/targetFps within the clip. */
export function resampleIndices(frameCount: number, sourceFps: number, targetFps: number): number[] {
  const durationSec = (frameCount - 1) / sourceFps;
  const count = Math.floor(durationSec * targetFps + 1e-9) + 1;
  return Array.from({ length: count }, (_, k) => Math.min(frameCount - 1, Math.round((k * sourceFps) / targetFps)));
}
