import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { DatabaseError } from '../errors.js';
import { projectPath } from '../util/project-root.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** How long a writer waits for another process's write lock before failing (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered files db/NNN_name.sql, in order. */
function loadMigrations(): Migration[] {
  const dir = projectPath('db');
  return readdirSync(dir)
    .filter((file) => /^\d{3}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file,
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }));
}

/** The newest schema version this build knows. */
export function latestSchemaVersion(): number {
  const migrations = loadMigrations();
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/**
 * Opens (creating if needed) an hmmr database: WAL journal so readers never block the writer,
 * foreign keys on, a busy timeout so two processes writing at once wait for each other instead of
 * failing, and every pending migration applied in one transaction each.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new DatabaseError(path, `cannot open database: ${(error as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    if (!options.readonly) migrate(db, path);
    else assertSchemaKnown(db, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(path, describeSqliteError(error));
  }
}

function describeSqliteError(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/SQLITE_BUSY|database is locked/i.test(message)) return 'database is locked by another hmmr process; try again when it finishes';
  if (/file is not a database|SQLITE_NOTADB/i.test(message)) return 'not an SQLite database';
  return message;
}

function readSchemaVersion(db: Db): number {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) {
    const others = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    return others.n === 0 ? 0 : -1;
  }
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

function assertSchemaKnown(db: Db, path: string): number {
  const current = readSchemaVersion(db);
  if (current === -1) throw new DatabaseError(path, 'not an hmmr database (it has tables but no schema_version)');
  const latest = latestSchemaVersion();
  if (current > latest) {
    throw new DatabaseError(
      path,
      `database schema version ${current} is newer than this hmmr understands (${latest}); upgrade hmmr`,
    );
  }
  return current;
}

function migrate(db: Db, path: string): void {
  // BEGIN IMMEDIATE takes the write lock first, so two processes opening a fresh file at once
  // serialise here rather than both trying to create the tables.
  const run = db.transaction(() => {
    const current = assertSchemaKnown(db, path);
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const migration of loadMigrations()) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }
  });
  run.immediate();
}

/** Float32 BLOB helpers: the on-disk layout of every keypoint/joint array. */
export function float32ToBlob(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function blobToFloat32(blob: Buffer): Float32Array {
  // Copy: the Buffer may share a pool and be unaligned for a Float32Array view.
  const copy = new Float32Array(blob.byteLength / 4);
  new Uint8Array(copy.buffer).set(blob);
  return copy;
}
