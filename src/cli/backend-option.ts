/** The `--backend` flag of every command that runs tfjs. */
import { BACKEND_CHOICES } from '../tf/backend-names.js';

/** `when` says when the flag matters for commands that run tfjs only sometimes, e.g. 'with --checkpoint'. */
export function backendOption(when?: string) {
  return {
    type: 'string',
    choices: BACKEND_CHOICES as string[],
    describe: `${when ? `${when}: ` : ''}tfjs backend (default $HMMR_BACKEND or auto: ${BACKEND_CHOICES.slice(1).join(', ')}, the first that starts)`,
  } as const;
}
