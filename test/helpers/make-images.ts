import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';

export interface MarkedImage {
  /** Grey level of the background. */
  background: number;
  /** Top-left corner of a 4×4 white square. */
  square: { x: number; y: number };
}

/** The RGB pixel at (x, y) of a marked image, as written: the test's expectation, not the decoder's. */
export function markedPixel(image: MarkedImage, x: number, y: number): number[] {
  const inside = x >= image.square.x && x < image.square.x + 4 && y >= image.square.y && y < image.square.y + 4;
  return inside ? [255, 255, 255] : [image.background, image.background, image.background];
}

/**
 * Writes `images` as real image files through ffmpeg (raw RGB in, the encoder picked by the
 * extension out), named `name(i)`: PNG keeps every pixel exactly, JPEG approximately.
 */
export function writeMarkedImages(dir: string, width: number, height: number, images: readonly MarkedImage[], name: (i: number) => string): string[] {
  mkdirSync(dir, { recursive: true });
  return images.map((image, i) => {
    const rgb = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(markedPixel(image, x, y), (y * width + x) * 3);
    const path = join(dir, name(i));
    const jpeg = /\.jpe?g$/i.test(path);
    execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0',
      // -update 1: one picture at exactly this path, even when the path holds a '%'.
      '-frames:v', '1', ...(jpeg ? ['-q:v', '2', '-pix_fmt', 'yuvj444p'] : []), '-f', 'image2', '-update', '1', path], { input: rgb });
    return path;
  });
}
