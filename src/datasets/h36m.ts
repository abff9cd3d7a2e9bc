/**
 * Human3.6M, in the two preprocessed layouts public code ships (../shared/spec/datasets.md):
 * VideoPose3D's data_3d_h36m.npz (+ data_2d_h36m_<detector>.npz and camera extrinsics), and
 * SPIN-style npz files (imgname, S, part, pose, shape). Both become mocap3d tubes with 50-fps
 * camera-frame LSP-14 ground truth; subjects 1, 5, 6, 7, 8 are train, 9 and 11 test.
 */
import { basename } from 'node:path';
import type { DatasetFormat } from './dataset-format.js';
import { findDatasetFiles } from './find-files.js';
import { readSpinNpz } from './h36m-spin.js';
import { readVideoPose3d } from './h36m-videopose3d.js';

const isVideoPose3d3d = (file: string) => /^data_3d_h36m.*\.npz$/.test(basename(file));
/** VideoPose3D's 2D files are read with their 3D file, never on their own. */
const isVideoPose3d2d = (file: string) => /^data_2d_h36m_.*\.npz$/.test(basename(file));

export const h36mFormat: DatasetFormat = {
  name: 'h36m',
  tier: 'mocap3d',
  findFiles: (path) => findDatasetFiles(path, '.npz', 'Human3.6M npz files (data_3d_h36m.npz or SPIN-style)', (file) => !isVideoPose3d2d(file)),
  readFile: (file, options) => (isVideoPose3d3d(file) ? readVideoPose3d(file, options) : readSpinNpz(file)),
};
