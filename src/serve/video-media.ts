/**
 * The bytes of an ingested video for the browser's <video>: the stored file itself with HTTP range
 * requests when the browser can decode it, otherwise a live ffmpeg transcode to WebM/VP8 from a start
 * time. The path always comes from the database row, never from the request.
 */
import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import type { FastifyReply } from 'fastify';
import type { VideoRecord } from '../store/videos.js';
import type { Logger } from '../util/log.js';
import { ffmpegPath } from '../video/ffmpeg-binaries.js';
import { RequestError } from './request-error.js';

export type Playback = 'direct' | 'transcode';

/** Codecs every current Chromium/Firefox decodes, in the containers they open. */
const DIRECT_CODECS: Record<string, readonly string[]> = {
  'mov,mp4,m4a,3gp,3g2,mj2': ['h264', 'vp9', 'av1'],
  'matroska,webm': ['vp8', 'vp9', 'av1'],
};

export function browserPlayback(video: Pick<VideoRecord, 'container' | 'codec'>): Playback {
  return DIRECT_CODECS[video.container]?.includes(video.codec) ? 'direct' : 'transcode';
}

function mimeType(container: string): string {
  return container.startsWith('matroska') ? 'video/webm' : 'video/mp4';
}

/** The first range of a `Range: bytes=…` header as [start, end] inclusive; undefined for none. */
export function parseByteRange(header: string | undefined, size: number): [number, number] | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)(?:,.*)?$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) throw new RequestError(416, `cannot read range ${JSON.stringify(header)}`);
  const [start, end] =
    match[1] === ''
      ? [Math.max(0, size - Number(match[2])), size - 1] // suffix: the last N bytes
      : [Number(match[1]), match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)];
  if (start > end || start >= size) throw new RequestError(416, `range ${header} is outside the ${size}-byte file`);
  return [start, end];
}

function statIngestedFile(video: VideoRecord): number {
  let size: number;
  try {
    size = statSync(video.path).size;
  } catch {
    throw new RequestError(404, `the file of video ${video.id} is gone from ${video.path}`);
  }
  if (size !== video.sizeBytes) throw new RequestError(409, `the file of video ${video.id} changed since it was ingested (${video.path}); run hmmr ingest again`);
  return size;
}

export function sendVideoFile(reply: FastifyReply, video: VideoRecord, rangeHeader: string | undefined): FastifyReply {
  const size = statIngestedFile(video);
  const range = parseByteRange(rangeHeader, size);
  reply.header('accept-ranges', 'bytes').type(mimeType(video.container));
  if (!range) return reply.header('content-length', size).send(createReadStream(video.path));
  const [start, end] = range;
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .header('content-length', end - start + 1)
    .send(createReadStream(video.path, { start, end }));
}

/**
 * WebM (VP8, no audio) from `startSec` on, encoded as fast as the machine allows; the stream's time 0
 * is `startSec` in the video. ffmpeg is killed when the browser drops the connection.
 */
export function sendTranscode(reply: FastifyReply, video: VideoRecord, startSec: number, log: Logger): FastifyReply {
  statIngestedFile(video);
  const args = ['-v', 'error', '-nostdin', '-ss', startSec.toFixed(3), '-i', video.path, '-an', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '2M', '-f', 'webm', 'pipe:1'];
  const ffmpeg = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  // A missing or unrunnable ffmpeg must not take the server down: the stream just ends empty.
  ffmpeg.on('error', (error) => log.warn(`cannot run ffmpeg to transcode video ${video.id}: ${error.message}`));
  ffmpeg.on('close', (code, signal) => {
    if (code !== 0 && signal === null) log.warn(`ffmpeg transcode of video ${video.id} exited ${code}: ${stderr.trim().split('\n').pop() ?? ''}`);
  });
  reply.raw.on('close', () => ffmpeg.kill('SIGKILL'));
  return reply.type('video/webm').header('cache-control', 'no-store').send(ffmpeg.stdout);
}
