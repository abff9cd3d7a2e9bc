import { createRequire } from 'node:module';
import ffmpeg from 'fluent-ffmpeg';
import { envConfig } from '../env.js';

const require = createRequire(import.meta.url);

/**
 * Which ffmpeg/ffprobe binaries run: HMMR_FFMPEG / HMMR_FFPROBE when set (e.g. Debian's newer
 * /usr/bin/ffmpeg), otherwise the static builds shipped inside the @ffmpeg-installer and
 * @ffprobe-installer npm packages, which work offline.
 */
export function ffmpegPath(): string {
  return envConfig.ffmpegPath ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export function ffprobePath(): string {
  return envConfig.ffprobePath ?? (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}

let configured = false;

/** fluent-ffmpeg keeps the binary paths globally; set them once, from the resolver above. */
export function configuredFluentFfmpeg(): typeof ffmpeg {
  if (!configured) {
    ffmpeg.setFfmpegPath(ffmpegPath());
    ffmpeg.setFfprobePath(ffprobePath());
    configured = true;
  }
  return ffmpeg;
}
