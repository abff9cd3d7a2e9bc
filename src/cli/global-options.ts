import type { Argv } from 'yargs';
import { envConfig } from '../env.js';

/** Flags every command accepts. */
export interface GlobalArgs {
  db: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

export function withGlobalOptions<T>(argv: Argv<T>): Argv<T & GlobalArgs> {
  return argv
    .option('db', {
      type: 'string',
      default: envConfig.dbPath,
      defaultDescription: '$HMMR_DB or ./hmmr.db',
      describe: 'SQLite database file holding everything hmmr knows',
      global: true,
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print one machine-readable JSON result object on stdout (logs and progress stay on stderr)',
      global: true,
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'only warnings and errors (wins over --verbose)', global: true })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'more detail on stderr', global: true }) as Argv<T & GlobalArgs>;
}
