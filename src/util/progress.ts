/**
 * Progress for long work: an in-place bar with rate and ETA on a TTY, plain periodic lines
 * otherwise (CI logs, pipes), nothing when quiet. Always on stderr.
 */
export interface Progress {
  tick(count?: number): void;
  setTotal(total: number): void;
  /** Text appended to the progress line from the next draw on (e.g. the latest validation score). */
  setDetail?(detail: string): void;
  done(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  unit?: string;
  mode: 'bar' | 'lines' | 'off';
  /** Minimum time between plain lines. */
  lineIntervalMs?: number;
  stream?: NodeJS.WritableStream;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  if (options.mode === 'off') return { tick() {}, setTotal() {}, setDetail() {}, done() {} };
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const unit = options.unit ?? 'items';
  const startedAt = now();
  let total = options.total;
  let count = 0;
  let lastDrawAt = 0;
  let detail = '';
  const interval = options.mode === 'bar' ? 100 : (options.lineIntervalMs ?? 5000);

  const render = (final: boolean): string => {
    const elapsedSec = Math.max((now() - startedAt) / 1000, 1e-9);
    const rate = count / elapsedSec;
    const rateText = `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)} ${unit}/s`;
    const suffix = detail ? `; ${detail}` : '';
    if (total === undefined || total <= 0) return `${options.label}: ${count} ${unit}, ${rateText}${suffix}`;
    const fraction = Math.min(count / total, 1);
    const etaSec = rate > 0 ? (total - count) / rate : Number.NaN;
    const eta = final ? `in ${formatDuration(elapsedSec)}` : `ETA ${formatDuration(etaSec)}`;
    const bar = options.mode === 'bar' ? `[${'#'.repeat(Math.round(fraction * 24)).padEnd(24, '.')}] ` : '';
    return `${options.label}: ${bar}${count}/${total} ${unit} (${(fraction * 100).toFixed(0)}%), ${rateText}, ${eta}${suffix}`;
  };

  const draw = (final: boolean) => {
    lastDrawAt = now();
    if (options.mode === 'bar') stream.write(`\r\x1b[2K${render(final)}${final ? '\n' : ''}`);
    else stream.write(render(final) + '\n');
  };

  return {
    tick(increment = 1) {
      count += increment;
      if (now() - lastDrawAt >= interval) draw(false);
    },
    setTotal(value) {
      total = value;
    },
    setDetail(value) {
      detail = value;
    },
    done() {
      draw(true);
    },
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
