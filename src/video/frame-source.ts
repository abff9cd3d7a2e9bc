import { spawn } from 'node:child_process';
import { BadVideoError, InterruptedError } from '../errors.js';
import { ffmpegPath } from './ffmpeg-binaries.js';
import {
  frameDifference,
  frameGeometry,
  type FrameGeometry,
  isFrameKept,
  selectFilterExpression,
  subsampleStep,
  type FrameGeometryRequest,
} from './frame-geometry.js';
import { DEFAULT_IMAGE_SEQUENCE_FPS, describeImageSequence, imageSequenceInputArgs, isImageFolder, probeImageSequence } from './image-sequence.js';
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
  /**
   * Constant-rate video (false) lets a resumed read seek by time; variable rate (true) or unknown
   * (absent) decodes from the start, where frame indices are counted rather than derived from time.
   */
  variableFps?: boolean;
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
  /**
   * Reuse two frame buffers instead of a new one per frame: a delivered frame's `data` is then only
   * valid until the frame after the next is requested. For consumers that copy each frame out at once
   * (the labeller's preprocessing); saves an allocation, its page faults and its share of garbage
   * collection per frame.
   */
  reuseBuffers?: boolean;
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
 * Where ffmpeg starts reading for a read from `startFrame`. Resuming (startFrame > 0) on a
 * constant-rate video seeks by time instead of decoding every frame before it, to just before the
 * previously kept frame: that frame is decoded too, not delivered, so the first delivered frame's
 * scene score compares with the same frame as in an uninterrupted read (the cut signal is continuous
 * across the resume point). The seek lands half a frame early so timestamp jitter cannot skip it.
 */
export interface ReadPlan {
  /** Original index of ffmpeg's first output frame (its select filter's n = 0). */
  firstIndex: number;
  /** Input seek, seconds (0: none); added back to the stream's timestamps, which restart there. */
  seekSec: number;
  /** The first output frame is only the scene-score reference for the next one. */
  referenceOnly: boolean;
}

export function planRead(source: SourceInfo, startFrame: number, step: number | undefined): ReadPlan {
  if (startFrame <= 0 || source.variableFps !== false) return { firstIndex: 0, seekSec: 0, referenceOnly: false };
  let previousKept = startFrame - 1;
  while (previousKept >= 0 && !isFrameKept(previousKept, 0, step)) previousKept--;
  if (previousKept < 0) return { firstIndex: startFrame, seekSec: (startFrame - 0.5) / source.fps, referenceOnly: false };
  return { firstIndex: previousKept, seekSec: previousKept === 0 ? 0 : (previousKept - 0.5) / source.fps, referenceOnly: true };
}

/**
 * The ffmpeg command line of a read (pure, for tests): seek, select, scale, pad, showinfo, raw frames.
 * `input` replaces the seek and `-i videoPath` (an image folder's image2 arguments).
 */
export function frameSourceArgs(videoPath: string, plan: ReadPlan, select: string | undefined, geometry: FrameGeometry, pixelFormat: PixelFormat, input?: readonly string[]): string[] {
  const filters: string[] = [];
  if (select) filters.push(`select=${select}`);
  filters.push(`scale=${geometry.contentWidth}:${geometry.contentHeight}:flags=bilinear`);
  if (geometry.width !== geometry.contentWidth || geometry.height !== geometry.contentHeight) {
    filters.push(`pad=${geometry.width}:${geometry.height}:0:0:black`);
  }
  // Only each frame's pts is read from showinfo; its default per-frame checksums of every plane cost
  // ~0.5 ms a frame at 656×368 (docs/pose2d.md, Throughput).
  filters.push('showinfo=checksum=0');
  const seek = plan.seekSec > 0 ? ['-ss', plan.seekSec.toFixed(6)] : [];
  return ['-hide_banner', '-nostats', '-nostdin', ...(input ?? [...seek, '-i', videoPath]), '-map', '0:v:0', '-vf', filters.join(','),
    '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', pixelFormat, 'pipe:1'];
}

/**
 * Streams decoded frames from ffmpeg as raw pixel buffers, never touching disk. Backpressure is
 * the pipe's: while the consumer does not pull, the stdout stream pauses and ffmpeg blocks.
 * On corrupt or truncated input, every good frame is delivered first, then BadVideoError names
 * the frame where decoding stopped. A folder is read as a numbered image sequence (image-sequence.ts):
 * a resumed read starts at the image itself instead of seeking, and an image that fails to decode
 * stops the read there, naming the image, rather than shifting every later frame index.
 */
export async function* readFrames(videoPath: string, options: FrameSourceOptions = {}): AsyncGenerator<DecodedFrame> {
  const images = isImageFolder(videoPath) ? describeImageSequence(videoPath) : undefined;
  const source = options.source ?? (images ? await probeImageSequence(images, DEFAULT_IMAGE_SEQUENCE_FPS) : await probeVideo(videoPath, { allowTruncated: true }));
  const pixelFormat = options.pixelFormat ?? 'rgb24';
  const channels = CHANNELS[pixelFormat];
  const geometry = frameGeometry(source.width, source.height, options);
  const startFrame = options.startFrame ?? 0;
  const step = subsampleStep(source.fps, options.fps);
  const frameBytes = geometry.width * geometry.height * channels;
  const plan = planRead(source, startFrame, step);
  // Frames ffmpeg outputs: the reference frame (if any), then those delivered.
  const isOutput = (index: number) => (plan.referenceOnly && index === plan.firstIndex) || isFrameKept(index, startFrame, step);
  const select = selectFilterExpression(startFrame, step, plan.firstIndex, plan.referenceOnly);

  const input = images ? imageSequenceInputArgs(images, source.fps, plan.firstIndex) : undefined;
  // Stream times restart at the input's first frame: after a seek, or at the image the read starts from.
  const timeOffset = images ? plan.firstIndex / source.fps : plan.seekSec;
  const args = frameSourceArgs(videoPath, plan, select, geometry, pixelFormat, input);
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new StderrLog(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const spawnFailed = new Promise<Error>((resolve) => child.on('error', resolve));
  const onAbort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let nextIndex = plan.firstIndex;
  let output = 0;
  let pending = Buffer.allocUnsafe(frameBytes);
  let previous: typeof pending | undefined;
  // The buffer to fill next, once `pending` is delivered (the one before `previous`, when reused).
  const nextBuffer = (): typeof pending => (options.reuseBuffers && previous ? previous : Buffer.allocUnsafe(frameBytes));
  let filled = 0;
  const nextOutputIndex = (): number => {
    while (!isOutput(nextIndex)) nextIndex++;
    return nextIndex;
  };
  const nextKeptIndex = (): number => {
    let index = Math.max(nextIndex, startFrame);
    while (!isFrameKept(index, startFrame, step)) index++;
    return index;
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
        const index = nextOutputIndex();
        const streamTime = await log.presentationTime(output);
        // image2 stamps image k of the read at k / fps: a later stamp means an image was dropped.
        if (images && streamTime !== undefined && plan.firstIndex + Math.round(streamTime * source.fps) !== index) {
          throw new BadVideoError(videoPath, `image ${images.files[index] ?? index} (frame ${index}) could not be decoded${log.firstError() ? `: ${log.firstError()}` : ''}`);
        }
        output++;
        nextIndex++;
        if (index < startFrame) {
          // The reference frame before the resume point: kept only to score the next frame against.
          const free = nextBuffer();
          previous = pending;
          pending = free;
          filled = 0;
          continue;
        }
        const timeSec = streamTime === undefined ? index / source.fps : streamTime + timeOffset;
        const frame: DecodedFrame = {
          index,
          timeSec,
          ...geometry,
          channels,
          data: pending,
          sceneScore: previous ? frameDifference(previous, pending) : 0,
        };
        const free = nextBuffer();
        previous = pending;
        pending = free;
        filled = 0;
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
    const expectedLast = lastKeptIndex(source.frameCount, startFrame, step);
    if (log.firstError() && source.frameCountExact && expectedLast !== undefined && nextIndex <= expectedLast) {
      throw new BadVideoError(videoPath, `decoding stopped at frame ${failedAt} of ${source.frameCount}: ${log.firstError()}`);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function lastKeptIndex(frameCount: number, startFrame: number, step: number | undefined): number | undefined {
  for (let index = frameCount - 1; index >= startFrame; index--) {
    if (isFrameKept(index, startFrame, step)) return index;
  }
  return undefined;
}
