import type { Logger } from '../util/log.js';
import type { Progress } from '../util/progress.js';

/** What the demo needs from its caller (the CLI passes its command context). */
export interface DemoContext {
  log: Logger;
  progress(label: string, total?: number, unit?: string): Progress;
  /** Aborted on Ctrl-C: each stage stops at its next safe point and keeps what it committed. */
  signal: AbortSignal;
}
