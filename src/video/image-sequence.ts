/**
 * A folder of numbered images (a dataset's frames: 3DPW image_00000.jpg…, Penn Action 000001.jpg…)
 * read as a video: ffmpeg's image2 demuxer with a printf pattern and a start number, so frame index
 * i is the i-th image of the contiguous numbering. The rate is not in the files: the caller gives
 * it (the dataset's), and it only sets timestamps and `--fps` subsampling, never which image is frame i.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { BadVideoError } from '../errors.js';
import type { VideoProbe } from './probe.js';
import { probeVideo } from './probe.js';

export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'bmp'] as const;

/** Timestamps of a folder read without a stored rate (ffmpeg's own image2 default is 25). */
export const DEFAULT_IMAGE_SEQUENCE_FPS = 30;

export interface ImageSequence {
  dir: string;
  /** Image file names in frame order. */
  files: string[];
  /** The number in the first file's name (frame 0). */
  firstNumber: number;
  /** ffmpeg image2 pattern: the folder, the name's fixed parts ('%' doubled) and %0Nd. */
  pattern: string;
}

const NUMBERED = /^(.*?)(\d+)(\.[A-Za-z]+)$/;

/** Whether `path` is a folder (then a frame source reads it as an image sequence). */
export function isImageFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The folder's images as one numbered sequence. Every image must share one name prefix, digit
 * width and extension, numbered without gaps; anything else is refused (BadVideoError naming the
 * folder), since a silent gap would shift every later frame index.
 */
export function describeImageSequence(dir: string): ImageSequence {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new BadVideoError(dir, `cannot list the image folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const images = names.filter((name) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).slice(1).toLowerCase())).sort();
  if (images.length === 0) throw new BadVideoError(dir, `no images (${IMAGE_EXTENSIONS.join(', ')}) in the folder`);
  const first = NUMBERED.exec(images[0]!);
  if (!first) throw new BadVideoError(dir, `image '${images[0]}' has no frame number before its extension`);
  const [, prefix, digits, extension] = first as unknown as [string, string, string, string];
  const width = digits.length;
  const firstNumber = Number(digits);
  const byNumber = images.map((name) => {
    const match = NUMBERED.exec(name);
    if (!match || match[1] !== prefix || match[3] !== extension || match[2]!.length !== width) {
      throw new BadVideoError(dir, `image '${name}' does not follow '${images[0]}' (same prefix, ${width}-digit number, ${extension})`);
    }
    return Number(match[2]);
  });
  byNumber.forEach((number, i) => {
    if (number !== firstNumber + i) throw new BadVideoError(dir, `frame numbers jump from ${images[i - 1]} to ${images[i]}: the images must be numbered without gaps`);
  });
  const escape = (text: string) => text.replaceAll('%', '%%');
  return { dir, files: images, firstNumber, pattern: join(escape(dir), `${escape(prefix)}%0${width}d${escape(extension)}`) };
}

/** ffmpeg input arguments reading the sequence from frame `firstIndex` on at `fps`. */
export function imageSequenceInputArgs(sequence: ImageSequence, fps: number, firstIndex: number): string[] {
  return ['-f', 'image2', '-framerate', String(fps), '-start_number', String(sequence.firstNumber + firstIndex), '-i', sequence.pattern];
}

/**
 * What the videos table records for an image folder: the first image's size and codec, the given
 * rate, one frame per image (exact), container 'image2'. Images are expected to share the first
 * one's size (ffmpeg would scale the others to it).
 */
export async function probeImageSequence(sequence: ImageSequence, fps: number): Promise<VideoProbe> {
  if (!(fps > 0)) throw new BadVideoError(sequence.dir, `frame rate ${fps} is not positive`);
  const image = await probeVideo(join(sequence.dir, sequence.files[0]!));
  const rate = rationalRate(fps);
  return {
    container: 'image2',
    codec: image.codec,
    width: image.width,
    height: image.height,
    rotationDeg: 0,
    fpsNum: rate.num,
    fpsDen: rate.den,
    fps,
    variableFps: false,
    frameCount: sequence.files.length,
    frameCountExact: true,
    durationSec: sequence.files.length / fps,
  };
}

/** 30 → 30/1, 29.97 → 2997/100: the rate as the fraction the encoder and the store take. */
function rationalRate(fps: number): { num: number; den: number } {
  for (const den of [1, 10, 100, 1000]) {
    const num = fps * den;
    if (Math.abs(num - Math.round(num)) < 1e-9) return { num: Math.round(num), den };
  }
  return { num: Math.round(fps * 1000), den: 1000 };
}
