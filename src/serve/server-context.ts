import type { Db } from '../store/database.js';
import type { Logger } from '../util/log.js';

/** What every route of one server shares. */
export interface ServerContext {
  db: Db;
  dbPath: string;
  /** --read-only: the database was opened read-only and every write is refused with 403. */
  readOnly: boolean;
  /** --runs: the folder whose training runs (metrics.jsonl) the runs view lists. */
  runsDir?: string;
  /** Server faults and ffmpeg failures go here (stderr). */
  log: Logger;
}
