import type { FfprobeData, FfprobeStream } from 'fluent-ffmpeg';
import { BadVideoError } from '../errors.js';
import { configuredFluentFfmpeg } from './ffmpeg-binaries.js';

/** What hmmr records about a video file's picture, as ffprobe reports it. */
export interface VideoProbe {
  container: string;
  codec: string;
  /** Display size: coded size with rotation metadata applied. */
  width: number;
  height: number;
  /** Clockwise display rotation in degrees: 0, 90, 180 or 270. */
  rotationDeg: number;
  fpsNum: number;
  fpsDen: number;
  fps: number;
  /** r_frame_rate and avg_frame_rate disagree: timestamps are irregular. */
  variableFps: boolean;
  frameCount: number;
  /** False when frameCount is duration × fps because neither the container nor a demux pass gave a count. */
  frameCountExact: boolean;
  durationSec: number;
}

function runFfprobe(path: string, extraOptions: string[]): Promise<FfprobeData> {
  const ffmpeg = configuredFluentFfmpeg();
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(path, extraOptions, (error: Error | null, data: FfprobeData) => (error ? reject(error) : resolve(data)));
  });
}

/** ffprobe's stderr is many lines; keep the last meaningful one, minus the file name it repeats. */
function probeFailureReason(error: unknown, path: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^ffprobe (exited|version)/i.test(line) && !/^(built with|configuration:|lib\w+ )/i.test(line));
  const last = lines[lines.length - 1] ?? 'ffprobe failed';
  return last.replace(path + ': ', '').replace(path, '').trim() || 'ffprobe failed';
}

function parseRational(text: string | undefined): { num: number; den: number } | undefined {
  if (!text) return undefined;
  const [numText, denText] = text.split('/');
  const num = Number(numText);
  const den = denText === undefined ? 1 : Number(denText);
  if (!Number.isFinite(num) || !Number.isFinite(den) || num <= 0 || den <= 0) return undefined;
  return { num, den };
}

/** Rotation from the display matrix side data (newer ffprobe) or the legacy `rotate` tag. */
function rotationOf(stream: FfprobeStream): number {
  const raw = stream.rotation ?? (stream.tags as Record<string, string> | undefined)?.rotate;
  const degrees = Number(raw ?? 0);
  if (!Number.isFinite(degrees)) return 0;
  // The display matrix reports counter-clockwise angles (-90 = rotate 90° clockwise to display).
  const clockwise = stream.rotation !== undefined ? -degrees : degrees;
  return (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
}

function positive(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Probes one file in one ffprobe pass that also demuxes every packet (no decoding, so cheap):
 * the packet count is the exact frame count, and a container that promises more frames than its
 * packets hold is a truncated file (an error unless allowTruncated, which the frame source uses to
 * deliver the good frames first). Without any count, duration × fps is used and flagged.
 */
export async function probeVideo(path: string, options: { allowTruncated?: boolean } = {}): Promise<VideoProbe> {
  let data: FfprobeData;
  try {
    data = await runFfprobe(path, ['-count_packets']);
  } catch (error) {
    throw new BadVideoError(path, probeFailureReason(error, path));
  }
  const stream = data.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!stream) throw new BadVideoError(path, 'no video stream');
  const codedWidth = positive(stream.width);
  const codedHeight = positive(stream.height);
  if (!codedWidth || !codedHeight) throw new BadVideoError(path, 'video stream has no picture size');
  const rate = parseRational(stream.r_frame_rate) ?? parseRational(stream.avg_frame_rate);
  if (!rate) throw new BadVideoError(path, 'video stream has no frame rate');
  const average = parseRational(stream.avg_frame_rate);
  const fps = rate.num / rate.den;
  const promised = positive(stream.nb_frames);
  const counted = positive(stream.nb_read_packets);
  // A still image (png, jpeg) has frames but no duration: it lasts its frames at the nominal rate.
  const durationSec = positive(stream.duration) ?? positive(data.format.duration) ?? (counted !== undefined ? counted / fps : undefined);
  if (!durationSec) throw new BadVideoError(path, 'video has no duration');
  if (counted === undefined && promised === undefined && Number(stream.nb_read_packets) === 0) {
    throw new BadVideoError(path, 'video stream holds no frames');
  }
  const truncated = promised !== undefined && counted !== undefined && counted < promised;
  if (truncated && !options.allowTruncated) {
    throw new BadVideoError(path, `truncated: only ${counted} of ${promised} frames are present`);
  }

  const rotationDeg = rotationOf(stream);
  const swap = rotationDeg === 90 || rotationDeg === 270;
  // A truncated file (allowed only for decoding) reports what its container promised, so the
  // frame source can tell where decoding stopped short.
  const exactCount = truncated ? promised : (counted ?? promised);
  return {
    container: String(data.format.format_name ?? 'unknown'),
    codec: String(stream.codec_name ?? 'unknown'),
    width: swap ? codedHeight : codedWidth,
    height: swap ? codedWidth : codedHeight,
    rotationDeg,
    fpsNum: rate.num,
    fpsDen: rate.den,
    fps,
    variableFps: average !== undefined && Math.abs(average.num / average.den - fps) > 0.01 * fps,
    frameCount: exactCount ?? Math.max(1, Math.round(durationSec * fps)),
    frameCountExact: exactCount !== undefined,
    durationSec,
  };
}
