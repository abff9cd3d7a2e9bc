/**
 * Encodes raw RGB24 frames to an H.264 MP4 through the bundled ffmpeg, fed over stdin with
 * backpressure (a frame is written only when ffmpeg has taken the previous ones).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { HmmrError } from '../errors.js';
import { ffmpegPath } from '../video/ffmpeg-binaries.js';

export interface EncoderOptions {
  width: number;
  height: number;
  /** Exact frame rate as a fraction, so the output's timing matches the source's. */
  fpsNum: number;
  fpsDen: number;
}

export class Mp4Encoder {
  private readonly child: ChildProcessByStdio<Writable, null, Readable>;
  private readonly exited: Promise<number | null>;
  private stderrTail = '';
  private spawnError: Error | undefined;

  constructor(
    private readonly outPath: string,
    private readonly options: EncoderOptions,
  ) {
    const args = [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${options.width}x${options.height}`,
      '-framerate', `${options.fpsNum}/${options.fpsDen}`, '-i', 'pipe:0',
      // yuv420p (what every player decodes) needs even dimensions.
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
      outPath,
    ];
    this.child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
    });
    this.child.on('error', (error) => {
      this.spawnError = error;
    });
    // A write after ffmpeg died raises EPIPE on stdin; the exit code carries the real reason.
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Queues one frame (width × height × 3 bytes); resolves when ffmpeg can take more. */
  async write(rgb: Uint8Array): Promise<void> {
    const expected = this.options.width * this.options.height * 3;
    if (rgb.length !== expected) throw new RangeError(`frame has ${rgb.length} bytes, expected ${expected}`);
    if (this.child.exitCode !== null || this.spawnError) throw this.failure();
    if (!this.child.stdin.write(rgb)) {
      await Promise.race([once(this.child.stdin, 'drain'), this.exited]);
    }
  }

  /** Closes the input and waits for the file to be complete. */
  async finish(): Promise<void> {
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0 || this.spawnError) throw this.failure(code);
  }

  /** Stops ffmpeg without finishing the file (interrupted or failed render). */
  abort(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private failure(code: number | null = this.child.exitCode): HmmrError {
    const detail = this.spawnError?.message ?? (this.stderrTail.trim().split('\n').pop() || `ffmpeg exited with code ${code}`);
    return new HmmrError(this.outPath, `cannot write the video: ${detail}`);
  }
}
