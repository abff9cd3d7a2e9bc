/**
 * Streams a video through the frame source, draws each frame's people onto it and encodes the result:
 * decode → draw → encode, one frame in flight, nothing on disk but the output.
 */
import type { KeypointFormat } from '../domain.js';
import { readFrames, type SourceInfo } from '../video/frame-source.js';
import { drawPoseOverlay, type OverlayPerson } from './pose-overlay.js';
import { Mp4Encoder } from './video-encoder.js';

export interface RenderOverlayOptions {
  /** The source's metadata (skips a probe) and exact frame rate. */
  source: SourceInfo & { fpsNum: number; fpsDen: number };
  format: KeypointFormat;
  /** People to draw on frame `frameIndex` (original pixels). */
  peopleAt(frameIndex: number): readonly OverlayPerson[];
  /** Output height in pixels (aspect kept); the source's size when absent. */
  height?: number;
  signal?: AbortSignal;
  onFrame?(): void;
}

/** Returns the number of frames written. */
export async function renderOverlayVideo(videoPath: string, outPath: string, options: RenderOverlayOptions): Promise<number> {
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
      encoder ??= new Mp4Encoder(outPath, {
        width: frame.width,
        height: frame.height,
        fpsNum: options.source.fpsNum,
        fpsDen: options.source.fpsDen,
      });
      const image = { width: frame.width, height: frame.height, data: frame.data };
      drawPoseOverlay(image, options.peopleAt(frame.index), options.format, frame.scale);
      await encoder.write(frame.data);
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
