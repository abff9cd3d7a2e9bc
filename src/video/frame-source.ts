import { spawn } from 'node:child_process';
import { BadVideoError, InterruptedError } from '../errors.js';
import { ffmpegPath } from './ffmpeg-binaries.js';
import {
  frameDifference,
  frameGeometry,
  isFrameKept,
  selectFilterExpression,
  subsampleRatio,
  type FrameGeometryRequest,
} from './frame-geometry.js';
import { probeVideo } from './probe.js';
import { StderrLog } from './stderr-log.js';

export type PixelFormat = 'rgb24' | 'bgr24' | 'gray';

const CHANNELS: Record<PixelFormat, number> = { rgb24: 3, bgr24: 3, gray: 1 };

/** What the frame source needs to know about the video; probed when not supplied. */
export interface SourceInfo {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  frameCountExact: boolean;
}

export interface FrameSourceOptions extends FrameGeometryRequest {
  pixelFormat?: PixelFormat;
  /** Deliver at most this many frames per second of video (original indices are kept). */
  fps?: number;
  /** First original frame index to deliver (resumption). */
  startFrame?: number;
  signal?: AbortSignal;
  /** Skip the probe when the caller already has the metadata (e.g. from the store). */
  source?: SourceInfo;
}

export interface DecodedFrame {
  /** 0-based index in the original video's frame sequence. */
  index: number;
  /** Presentation time from the stream (exact for variable frame rate video). */
  timeSec: number;
  width: number;
  height: number;
  contentWidth: number;
  contentHeight: number;
  /** Frame pixels = original pixels × scale. */
  scale: number;
  channels: number;
  data: Buffer;
  /** 0..1 difference to the previous delivered frame (0 for the first): a shot-cut signal. */
  sceneScore: number;
}

/**
 * Streams decoded frames from ffmpeg as raw pixel buffers, never touching disk. Backpressure is
 * the pipe's: while the consumer does not pull, the stdout stream pauses and ffmpeg blocks.
 * On corrupt or truncated input, every good frame is delivered first, then BadVideoError names
 * the frame where decoding stopped.
 */
export async function* readFrames(videoPath: string, options: FrameSourceOptions = {}): AsyncGenerator<DecodedFrame> {
  const source = options.source ?? (await probeVideo(videoPath, { allowTruncated: true }));
  const pixelFormat = options.pixelFormat ?? 'rgb24';
  const channels = CHANNELS[pixelFormat];
  const geometry = frameGeometry(source.width, source.height, options);
  const startFrame = options.startFrame ?? 0;
  const ratio = subsampleRatio(source.fps, options.fps);
  const frameBytes = geometry.width * geometry.height * channels;

  const filters: string[] = [];
  const select = selectFilterExpression(startFrame, ratio);
  if (select) filters.push(`select=${select}`);
  filters.push(`scale=${geometry.contentWidth}:${geometry.contentHeight}:flags=bilinear`);
  if (geometry.width !== geometry.contentWidth || geometry.height !== geometry.contentHeight) {
    filters.push(`pad=${geometry.width}:${geometry.height}:0:0:black`);
  }
  filters.push('showinfo');

  const args = ['-hide_banner', '-nostats', '-nostdin', '-i', videoPath, '-map', '0:v:0', '-vf', filters.join(','),
    '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', pixelFormat, 'pipe:1'];
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new StderrLog(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const spawnFailed = new Promise<Error>((resolve) => child.on('error', resolve));
  const onAbort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let nextIndex = startFrame;
  let delivered = 0;
  let previous: Buffer | undefined;
  let pending = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  const nextKeptIndex = (): number => {
    while (!isFrameKept(nextIndex, startFrame, ratio)) nextIndex++;
    return nextIndex;
  };
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        chunk.copy(pending, filled, offset, offset + take);
        filled += take;
        offset += take;
        if (filled < frameBytes) continue;
        const index = nextKeptIndex();
        const timeSec = (await log.presentationTime(delivered)) ?? index / source.fps;
        const frame: DecodedFrame = {
          index,
          timeSec,
          ...geometry,
          channels,
          data: pending,
          sceneScore: previous ? frameDifference(previous, pending) : 0,
        };
        previous = pending;
        pending = Buffer.allocUnsafe(frameBytes);
        filled = 0;
        delivered++;
        nextIndex++;
        yield frame;
      }
    }
    const code = await Promise.race([exited, spawnFailed.then((error) => { throw error; })]);
    if (options.signal?.aborted) throw new InterruptedError();
    const failedAt = nextKeptIndex();
    if (code !== 0) {
      throw new BadVideoError(videoPath, `decoding failed at frame ${failedAt}: ${log.firstError() ?? `ffmpeg exited with code ${code}`}`);
    }
    if (filled > 0) throw new BadVideoError(videoPath, `decoding stopped inside frame ${failedAt}: incomplete picture data`);
    const expectedLast = lastKeptIndex(source.frameCount, startFrame, ratio);
    if (log.firstError() && source.frameCountExact && expectedLast !== undefined && nextIndex <= expectedLast) {
      throw new BadVideoError(videoPath, `decoding stopped at frame ${failedAt} of ${source.frameCount}: ${log.firstError()}`);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function lastKeptIndex(frameCount: number, startFrame: number, ratio: number | undefined): number | undefined {
  for (let index = frameCount - 1; index >= startFrame; index--) {
    if (isFrameKept(index, startFrame, ratio)) return index;
  }
  return undefined;
}
