import { envConfig } from '../env.js';
import { describeError, InterruptedError } from '../errors.js';
import { openDatabase, type Db } from '../store/database.js';
import { createLogger, type Logger } from '../util/log.js';
import { createProgress, type Progress } from '../util/progress.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { GlobalArgs } from './global-options.js';

export interface CommandContext {
  dbPath: string;
  /** Opens the database on first use (migrating it) and closes it when the command ends. */
  openDb(): Db;
  log: Logger;
  progress(label: string, total?: number, unit?: string): Progress;
  json: boolean;
  /** Aborted on the first SIGINT/SIGTERM: stop at the next safe point, keep committed work. */
  signal: AbortSignal;
}

export interface CommandResult {
  /** Human-readable result for stdout (omitted with --json). */
  summary: string;
  /** The --json result object. */
  data: object;
  exitCode?: ExitCodeValue;
}

/**
 * Runs one command body with its context, prints the result, and maps failures to exit codes:
 * an error becomes one `hmmr: <path>: <reason>` line on stderr. A second Ctrl-C exits at once.
 */
export async function runCommand(args: GlobalArgs, body: (ctx: CommandContext) => Promise<CommandResult>): Promise<void> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    process.stderr.write('\nhmmr: stopping after the current chunk (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const log = createLogger(args.quiet ? 'quiet' : args.verbose ? 'verbose' : 'normal');
  const progressMode = args.quiet ? 'off' : process.stderr.isTTY && !envConfig.plainProgress ? 'bar' : 'lines';
  let db: Db | undefined;
  const ctx: CommandContext = {
    dbPath: args.db,
    openDb: () => (db ??= openDatabase(args.db)),
    log,
    progress: (label, total, unit) => createProgress({ label, total, unit, mode: progressMode }),
    json: args.json,
    signal: controller.signal,
  };
  try {
    const result = await body(ctx);
    process.stdout.write(args.json ? JSON.stringify(result.data) + '\n' : result.summary.endsWith('\n') || result.summary === '' ? result.summary : result.summary + '\n');
    process.exitCode = result.exitCode ?? ExitCode.ok;
  } catch (error) {
    process.stderr.write(`hmmr: ${describeError(error)}\n`);
    if (args.verbose && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
    process.exitCode = error instanceof InterruptedError ? ExitCode.interrupted : ExitCode.failed;
  } finally {
    db?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
