/** Everything human-readable goes to stderr, so stdout stays clean for `--json` results. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  verbose(message: string): void;
  error(message: string): void;
}

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export function createLogger(verbosity: Verbosity, write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  return {
    info: (message) => verbosity !== 'quiet' && write(message),
    warn: (message) => write(`warning: ${message}`),
    verbose: (message) => verbosity === 'verbose' && write(message),
    error: (message) => write(message),
  };
}
