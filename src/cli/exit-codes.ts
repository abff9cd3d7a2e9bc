/** Process exit codes (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** Usage error or a fatal error: nothing (more) was done. */
  failed: 1,
  /** The command finished, but some inputs failed (each was reported on stderr). */
  partial: 3,
  /** Interrupted by SIGINT/SIGTERM; committed work is kept and the same command resumes. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
