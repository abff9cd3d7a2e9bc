/**
 * Reading OpenPose's per-frame JSON (`--write_json`): one file `<name>_<12-digit frame>_keypoints.json`
 * per frame, holding `people[].pose_keypoints_2d` as flat x, y, confidence. The keypoint format is told
 * apart by length (COCO-18: 54 numbers, BODY_25: 75). Reading validates EVERY file before returning
 * anything, so a bad folder imports nothing. (Writing is pose2d/export-openpose.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { KeypointFormat, Person2D, PoseFrame } from '../../domain.js';
import { BadInputFileError } from '../../errors.js';
import { countVisible } from '../keypoint-box.js';

const FILE_SUFFIX = '_keypoints.json';
const FILE_PATTERN = /^(.*)_(\d{12})_keypoints\.json$/;

/**
 * A person from OpenPose numbers. OpenPose stores no person score: it becomes the mean confidence of
 * the detected keypoints. Undetected keypoints (confidence 0) are normalised to x = y = 0.
 */
export function personFromOpenPose(values: readonly number[]): Person2D {
  const keypoints = Float32Array.from(values);
  let confidenceSum = 0;
  for (let i = 0; i < keypoints.length; i += 3) {
    if (keypoints[i + 2]! > 0) confidenceSum += keypoints[i + 2]!;
    else keypoints.fill(0, i, i + 3);
  }
  const partCount = countVisible(keypoints);
  return { keypoints, score: partCount === 0 ? 0 : Math.fround(confidenceSum / partCount), partCount };
}

/** Parses one file's text; `formats` are the candidates, picked by the number of values per person. */
export function parseOpenPoseFrame(
  path: string,
  text: string,
  formats: readonly KeypointFormat[],
): { format: KeypointFormat | undefined; people: Person2D[] } {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new BadInputFileError(path, `not valid JSON: ${(error as Error).message}`);
  }
  const people = (root as { people?: unknown } | null)?.people;
  if (typeof root !== 'object' || root === null || !Array.isArray(people)) {
    throw new BadInputFileError(path, 'not an OpenPose keypoint file: no "people" array');
  }
  let format: KeypointFormat | undefined;
  const parsed = people.map((person: unknown, index) => {
    const values = (person as { pose_keypoints_2d?: unknown } | null)?.pose_keypoints_2d;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new BadInputFileError(path, `people[${index}].pose_keypoints_2d must be an array of numbers`);
    }
    const match = formats.find((candidate) => candidate.keypoints.length * 3 === values.length);
    if (!match) {
      const expected = formats.map((f) => `${f.keypoints.length * 3} (${f.name})`).join(' or ');
      throw new BadInputFileError(path, `people[${index}] has ${values.length} pose_keypoints_2d values; expected ${expected}`);
    }
    if (format && match !== format) {
      throw new BadInputFileError(path, `people[${index}] is ${match.name} but an earlier person is ${format.name}`);
    }
    format = match;
    if ((values as number[]).some((v, i) => i % 3 === 2 && v < 0)) {
      throw new BadInputFileError(path, `people[${index}] has a negative keypoint confidence`);
    }
    return personFromOpenPose(values as number[]);
  });
  return { format, people: parsed };
}

export interface OpenPoseFolder {
  /** The `<name>` part shared by the files (usually the video's base name). */
  name: string;
  format: KeypointFormat;
  /** One PoseFrame per file, by frame index; timeSec = frameIndex / fps. */
  frames: PoseFrame[];
}

/**
 * Reads every `*_keypoints.json` in `dir`. Fails, naming the offending file, on malformed JSON, wrong
 * keypoint counts, formats that differ between files, frames at or beyond `frameCount`, or files of
 * two different videos in one folder.
 */
export function readOpenPoseFolder(
  dir: string,
  options: { formats: readonly KeypointFormat[]; fps: number; frameCount: number },
): OpenPoseFolder {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw new BadInputFileError(dir, `cannot read the folder: ${(error as Error).message}`);
  }
  const files = entries.filter((entry) => entry.endsWith(FILE_SUFFIX)).sort();
  if (files.length === 0) throw new BadInputFileError(dir, `no OpenPose *${FILE_SUFFIX} files in this folder`);

  let name: string | undefined;
  let format: KeypointFormat | undefined;
  const frames: PoseFrame[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const match = FILE_PATTERN.exec(basename(file));
    if (!match) throw new BadInputFileError(path, `file name is not <name>_<12-digit frame>${FILE_SUFFIX}`);
    if (name !== undefined && match[1] !== name) {
      throw new BadInputFileError(path, `belongs to "${match[1]}" but the folder also holds "${name}"; import one video's files at a time`);
    }
    name = match[1]!;
    const frameIndex = Number(match[2]);
    if (frameIndex >= options.frameCount) {
      throw new BadInputFileError(path, `frame ${frameIndex} is beyond the video's ${options.frameCount} frames`);
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new BadInputFileError(path, `cannot read: ${(error as Error).message}`);
    }
    const parsed = parseOpenPoseFrame(path, text, options.formats);
    if (parsed.format && format && parsed.format !== format) {
      throw new BadInputFileError(path, `holds ${parsed.format.name} keypoints but earlier files hold ${format.name}`);
    }
    format ??= parsed.format;
    frames.push({ frameIndex, timeSec: frameIndex / options.fps, people: parsed.people });
  }
  if (!format) throw new BadInputFileError(dir, 'no person in any file, so the keypoint format is unknown');
  return { name: name!, format, frames };
}
