import type { Readable } from 'node:stream';

const SHOWINFO = /Parsed_showinfo.*?\bn:\s*(\d+).*?\bpts_time:\s*(-?[\d.]+)/;
const ERROR_HINT = /error|invalid|corrupt|partial file|truncat|not found|failed|no such file|permission denied|could not|unable/i;

/**
 * Reads ffmpeg's stderr while frames stream on stdout: the showinfo filter's per-frame
 * presentation times, and the lines that look like errors (for the one-line failure message).
 * stdout and stderr are separate pipes, so a frame can arrive before its showinfo line; callers
 * await presentationTime(k), which resolves once line k (or the end of the stream) has been read.
 */
export class StderrLog {
  private readonly times: number[] = [];
  private readonly errors: string[] = [];
  private ended = false;
  private buffered = '';
  private waiters: (() => void)[] = [];

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => this.consume(text));
    stream.on('close', () => this.finish());
    stream.on('end', () => this.finish());
  }

  async presentationTime(outputIndex: number): Promise<number | undefined> {
    while (this.times[outputIndex] === undefined && !this.ended) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.times[outputIndex];
  }

  /** The first error-looking line: ffmpeg's later lines ("Conversion failed!") only summarise it. */
  firstError(): string | undefined {
    return this.errors[0];
  }

  private consume(text: string): void {
    this.buffered += text;
    const lines = this.buffered.split(/\r?\n|\r/);
    this.buffered = lines.pop() ?? '';
    for (const line of lines) this.parseLine(line);
    this.wake();
  }

  private parseLine(line: string): void {
    const match = SHOWINFO.exec(line);
    if (match) {
      this.times[Number(match[1])] = Number(match[2]);
    } else if (ERROR_HINT.test(line)) {
      this.errors.push(line.replace(/^\[[^\]]*\]\s*/, '').trim());
    }
  }

  private finish(): void {
    if (this.buffered) this.parseLine(this.buffered);
    this.buffered = '';
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
