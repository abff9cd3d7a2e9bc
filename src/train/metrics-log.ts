import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const METRICS_FILE = 'metrics.jsonl';

/** One logged training step: a line of metrics.jsonl. */
export interface MetricsLine {
  step: number;
  time: string;
  elapsedSec: number;
  stepsPerSec: number;
  msPerStep: number;
  encoderLoss: number;
  discriminatorLoss: number | null;
  /** Global L2 norm of the encoder gradient, before clipping. */
  encoderGradNorm: number;
  /** The encoder's learning rate at this step (after warm-up and decay). */
  learningRate: number;
  /** Every unweighted loss term (see TERM_WEIGHTS), plus d_pose. */
  terms: Record<string, number>;
}

/** A validation pass: a line of metrics.jsonl told apart from training lines by `kind`. */
export interface ValidationLine {
  kind: 'validation';
  step: number;
  time: string;
  /** Validation MPJPE and PA-MPJPE (mm) over `frames` frames of the validation tubes. */
  mpjpeMm: number;
  paMpjpeMm: number;
  frames: number;
  /** True when this pass set a new best and was written to best/. */
  best: boolean;
}

/** Append-only JSONL log of training metrics in a run folder. */
export class MetricsLog {
  readonly path: string;

  constructor(outDir: string) {
    this.path = join(outDir, METRICS_FILE);
  }

  /**
   * Drops lines past `step` (written after the checkpoint a resumed run starts from), so the log
   * reads as one uninterrupted run.
   */
  truncateAfter(step: number): void {
    if (!existsSync(this.path)) return;
    const lines = readFileSync(this.path, 'utf8').split('\n');
    // A crash mid-append can leave the last line torn: it is past the checkpoint anyway.
    const kept = lines.filter((line, i) => line.trim() !== '' && !(i === lines.length - 1 && !isJson(line)) && (JSON.parse(line) as MetricsLine).step <= step);
    const temp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(temp, kept.map((line) => line + '\n').join(''));
    renameSync(temp, this.path);
  }

  append(line: MetricsLine | ValidationLine): void {
    appendFileSync(this.path, JSON.stringify(line) + '\n');
  }

  /** The validation lines logged so far (a resumed run recovers its best score and patience from them). */
  validationLines(): ValidationLine[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as MetricsLine | ValidationLine)
      .filter((line): line is ValidationLine => 'kind' in line && line.kind === 'validation');
  }
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
