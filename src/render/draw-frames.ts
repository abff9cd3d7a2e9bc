/**
 * The streaming shape every rendered video shares: decode a frame → draw on it (or compose a larger
 * picture around it) → encode, one frame in flight, nothing on disk but the output.
 */
import { readFrames, type DecodedFrame, type SourceInfo } from '../video/frame-source.js';
import type { RgbImage } from './raster.js';
import { Mp4Encoder } from './video-encoder.js';

export interface DrawFramesOptions {
  /** The source's metadata (skips a probe) and exact frame rate. */
  source: SourceInfo & { fpsNum: number; fpsDen: number };
  /** Output height in pixels (aspect kept); the source's size when absent. */
  height?: number;
  signal?: AbortSignal;
  onFrame?(): void;
}

/**
 * Draws every frame with `draw`, which returns the picture to encode: the decoded frame itself
 * (drawn on in place) or a canvas of its own. Every returned picture must have the first one's size.
 * Returns the number of frames written; a failure removes the half-written output.
 */
export async function drawFrames(
  videoPath: string,
  outPath: string,
  options: DrawFramesOptions,
  draw: (frame: DecodedFrame, image: RgbImage) => RgbImage,
): Promise<number> {
  let encoder: Mp4Encoder | undefined;
  let written = 0;
  try {
    const frames = readFrames(videoPath, {
      pixelFormat: 'rgb24',
      source: options.source,
      ...(options.height !== undefined ? { height: options.height } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const frame of frames) {
      const picture = draw(frame, { width: frame.width, height: frame.height, data: frame.data });
      encoder ??= new Mp4Encoder(outPath, { width: picture.width, height: picture.height, fpsNum: options.source.fpsNum, fpsDen: options.source.fpsDen });
      await encoder.write(picture.data);
      written++;
      options.onFrame?.();
    }
    await encoder?.finish();
    return written;
  } catch (error) {
    encoder?.abort();
    throw error;
  }
}
