/**
 * PoseTrack 2018 (Andriluka et al., CVPR 2018): one annotation JSON per video, `images` and
 * `annotations` (17 × [x, y, v] keypoints, `track_id`), in annotations/{train,val}/. One human2d
 * tube per track over the video's labelled frames (the frame index is the image's position in the
 * video); a labelled frame where the track is absent has no keypoints. The 17 points are COCO's
 * with head_bottom and head_top in place of the eyes.
 */
import { basename, dirname, join } from 'node:path';
import { BadInputFileError } from '../errors.js';
import type { TubeSplit } from '../store/tubes.js';
import type { DatasetFormat, FrameFolder, ImportedSequence } from './dataset-format.js';
import { findDatasetFiles } from './find-files.js';
import { human2dTube, type LabelledTrack } from './human2d-tubes.js';
import { readInputBytes } from './read/fields.js';

const POSETRACK_KEYPOINTS = [
  'nose', 'neck', 'head_top', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
  'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
] as const;
/** The annotation JSON states no frame rate; PoseTrack's source videos are about 30 fps. */
const POSETRACK_FPS = 30;
const SPLIT_FOLDERS: Record<string, TubeSplit> = { train: 'train', val: 'val', test: 'test' };

export const poseTrackFormat: DatasetFormat = {
  name: 'posetrack',
  tier: 'human2d',
  findFiles: (path, options) =>
    findDatasetFiles(path, '.json', 'PoseTrack annotation files (annotations/{train,val}/*.json)', (file) => options.split === undefined || SPLIT_FOLDERS[basename(dirname(file))] === options.split),
  readFile: (file) => [readPoseTrackVideo(file)],
};

interface PoseTrackImage {
  id: number;
  file_name?: string;
  is_labeled?: boolean;
}
interface PoseTrackAnnotation {
  image_id: number;
  track_id: number;
  keypoints: number[];
}

function readPoseTrackVideo(file: string): ImportedSequence {
  const split = SPLIT_FOLDERS[basename(dirname(file))];
  if (!split) throw new BadInputFileError(file, 'a PoseTrack annotation file must sit in a train, val or test folder');
  const fail = (key: string, problem: string): never => {
    throw new BadInputFileError(file, `key '${key}': ${problem}`);
  };
  let document: { images?: unknown; annotations?: unknown };
  try {
    document = JSON.parse(readInputBytes(file).toString('utf8'));
  } catch (error) {
    if (error instanceof BadInputFileError) throw error;
    throw new BadInputFileError(file, `invalid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(document.images) || document.images.length === 0) return fail('images', 'expected a non-empty array');
  if (!Array.isArray(document.annotations)) return fail('annotations', 'expected an array');
  const images = document.images as PoseTrackImage[];
  const positionOf = new Map(images.map((image, position) => [image.id, position]));
  const count = POSETRACK_KEYPOINTS.length;
  const byTrack = new Map<number, Map<number, Float32Array>>();
  (document.annotations as PoseTrackAnnotation[]).forEach((annotation, a) => {
    const where = `annotations[${a}]`;
    const position = positionOf.get(annotation.image_id);
    if (position === undefined) fail(`${where}.image_id`, `${annotation.image_id} is not in images`);
    if (!Number.isInteger(annotation.track_id)) fail(`${where}.track_id`, 'expected an integer');
    const points = annotation.keypoints;
    if (!Array.isArray(points) || points.length !== count * 3 || !points.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail(`${where}.keypoints`, `expected ${count * 3} numbers (17 × x, y, visibility)`);
    }
    const frames = byTrack.get(annotation.track_id) ?? new Map<number, Float32Array>();
    frames.set(position!, Float32Array.from(points));
    byTrack.set(annotation.track_id, frames);
  });
  const labelled = images
    .map((image, position) => ({ image, position }))
    .filter(({ image, position }) => image.is_labeled === true || [...byTrack.values()].some((frames) => frames.has(position)))
    .map(({ position }) => position);
  const video = basename(file, '.json');
  const name = `posetrack/${video}`;
  const tubes = [...byTrack]
    .sort(([a], [b]) => a - b)
    .map(([trackId, frames]) => {
      const positions = [...frames.keys()];
      const span = labelled.filter((position) => position >= Math.min(...positions) && position <= Math.max(...positions));
      const track: LabelledTrack = {
        name: `${name}/track${trackId}`,
        trackId,
        split,
        fps: POSETRACK_FPS,
        frameIndices: span,
        keypoints: span.map((position) => frames.get(position) ?? new Float32Array(count * 3)),
      };
      return human2dTube(track, POSETRACK_KEYPOINTS, file);
    });
  const frameFolder = poseTrackFrameFolder(images, file, fail);
  return { name, split, tubes, ...(frameFolder ? { frameFolder } : {}) };
}

/**
 * annotations/<split>/<video>.json sits two folders below the dataset root, and each image's
 * file_name (images/<split>/<video>/000000.jpg) is relative to that root. The frame index is the
 * image's position, so the names must number the images without gaps for the folder to serve as
 * the tubes' frames; without file names there is no folder.
 */
function poseTrackFrameFolder(images: readonly PoseTrackImage[], file: string, fail: (key: string, problem: string) => never): FrameFolder | undefined {
  if (images.some((image) => typeof image.file_name !== 'string')) return undefined;
  const number = (name: string) => Number(/(\d+)\.[A-Za-z]+$/.exec(name)?.[1] ?? NaN);
  const folder = dirname(images[0]!.file_name!);
  const firstNumber = number(images[0]!.file_name!);
  images.forEach((image, position) => {
    if (dirname(image.file_name!) !== folder || number(image.file_name!) !== firstNumber + position) {
      fail(`images[${position}].file_name`, `'${image.file_name}' is not image ${firstNumber + position} of ${folder} (frames are numbered by position)`);
    }
  });
  return { path: join(dirname(dirname(dirname(file))), folder), fps: POSETRACK_FPS, firstNumber };
}
