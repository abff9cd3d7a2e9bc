/**
 * Penn Action (Zhang et al., ICCV 2013): labels/<id>.mat (MATLAB v5) with `x`, `y`, `visibility`
 * (N, 13), `nframes`, `train` (1 train, −1 test) and `action`; frames/<id>/%06d.jpg. One human2d
 * tube per clip. Joint order (the dataset README): head, then left/right shoulder, elbow, wrist,
 * hip, knee, ankle. The head point goes to the head-top slot (inferred: no neck or face points).
 */
import { basename, dirname, join } from 'node:path';
import type { DatasetFormat, ImportedSequence } from './dataset-format.js';
import { findDatasetFiles } from './find-files.js';
import { human2dTube } from './human2d-tubes.js';
import { readMat5 } from './read/mat5.js';

const PENN_KEYPOINTS = [
  'head_top', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
  'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
] as const;
/** Penn Action clips are 30 fps video (the README gives no per-clip rate). */
const PENN_FPS = 30;

export const pennActionFormat: DatasetFormat = {
  name: 'pennaction',
  tier: 'human2d',
  findFiles: (path) => findDatasetFiles(path, '.mat', 'Penn Action label files (labels/*.mat)'),
  readFile: (file) => [readPennLabel(file)],
};

function readPennLabel(file: string): ImportedSequence {
  const mat = readMat5(file);
  const count = PENN_KEYPOINTS.length;
  const x = mat.floats('x', [undefined, count]);
  const frameCount = x.shape[0]!;
  const y = mat.floats('y', [frameCount, count]).values;
  const visibility = mat.floats('visibility', [frameCount, count]).values;
  const nframes = mat.number('nframes');
  if (nframes !== frameCount) mat.fail('nframes', `${nframes}, but x has ${frameCount} rows`);
  const train = mat.number('train');
  if (train !== 1 && train !== -1) mat.fail('train', `${train}, expected 1 or -1`);
  const split = train === 1 ? 'train' : 'test';
  const id = basename(file, '.mat');
  const keypoints = Array.from({ length: frameCount }, (_, f) => {
    const points = new Float32Array(count * 3);
    for (let k = 0; k < count; k++) points.set([x.values[f * count + k]!, y[f * count + k]!, visibility[f * count + k]! > 0 ? 1 : 0], k * 3);
    return points;
  });
  const name = `pennaction/${id}`;
  const frameIndices = Array.from({ length: frameCount }, (_, f) => f);
  // labels/<id>.mat beside frames/<id>/000001.jpg…: row 0 of the labels is image 1.
  const frameFolder = { path: join(dirname(dirname(file)), 'frames', id), fps: PENN_FPS, firstNumber: 1 };
  return { name, split, frameFolder, tubes: [human2dTube({ name: `${name}/person0`, trackId: 0, split, fps: PENN_FPS, frameIndices, keypoints }, PENN_KEYPOINTS, file)] };
}
