import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { extname } from 'node:path';
import { ffmpegPath, ffprobePath } from '../../src/video/ffmpeg-binaries.js';

export interface SyntheticVideo {
  width?: number;
  height?: number;
  fps?: number;
  frames?: number;
  /** ffmpeg encoder, e.g. libx264, mpeg4, libvpx-vp9, ffv1, mjpeg. */
  codec?: string;
  /** Extra output arguments, e.g. ['-metadata:s:v', 'rotate=90']. */
  extraArgs?: string[];
  /** Video filter applied to the test pattern. */
  filter?: string;
  /** Display-rotation metadata; set by a stream-copy remux, the way phones' files carry it. */
  rotateDeg?: number;
}

/** Encodes ffmpeg's testsrc2 pattern into a real video file (the container follows the extension). */
export function makeVideo(path: string, spec: SyntheticVideo = {}): string {
  const { width = 64, height = 48, fps = 25, frames = 10, codec = 'libx264' } = spec;
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-frames:v', String(frames)];
  if (spec.filter) args.push('-vf', spec.filter);
  const encoded = spec.rotateDeg === undefined ? path : `${path}.unrotated${extname(path)}`;
  args.push('-c:v', codec, '-pix_fmt', codec === 'mjpeg' ? 'yuvj420p' : 'yuv420p', ...(spec.extraArgs ?? []), encoded);
  execFileSync(ffmpegPath(), args);
  if (spec.rotateDeg !== undefined) {
    execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', encoded, '-c', 'copy',
      '-metadata:s:v:0', `rotate=${spec.rotateDeg}`, path]);
    rmSync(encoded);
  }
  return path;
}

/** An audio-only file: a container with no video stream. */
export function makeAudioOnly(path: string): string {
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
    '-c:a', 'aac', path]);
  return path;
}

/** ffprobe's own view of the first video stream, with frames counted by decoding. */
export function ffprobeTruth(path: string): { width: number; height: number; rFrameRate: string; frames: number; durationSec: number } {
  const out = execFileSync(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries',
    'stream=width,height,r_frame_rate,nb_read_frames,duration:format=duration', '-of', 'json', path]).toString();
  const parsed = JSON.parse(out) as { streams: Record<string, string | number>[]; format: { duration: string } };
  const stream = parsed.streams[0]!;
  return {
    width: Number(stream.width),
    height: Number(stream.height),
    rFrameRate: String(stream.r_frame_rate),
    frames: Number(stream.nb_read_frames),
    durationSec: Number(stream.duration ?? parsed.format.duration),
  };
}
