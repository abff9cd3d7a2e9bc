import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseError } from '../../src/errors.js';
import { blobToFloat32, float32ToBlob, latestSchemaVersion, openDatabase } from '../../src/store/database.js';
import { projectPath } from '../../src/util/project-root.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

test('a new database gets every migration, WAL and foreign keys', () => {
  const db = openDatabase(join(dir, 'new.db'));
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    const version = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number };
    assert.equal(version.v, latestSchemaVersion());
    assert.ok(latestSchemaVersion() >= 1);
  } finally {
    db.close();
  }
  // Opening again applies nothing twice.
  const again = openDatabase(join(dir, 'new.db'));
  // One row per migration file (numbers may have gaps while parallel branches land).
  const migrations = readdirSync(projectPath('db')).filter((file) => /^\d{3}_.+\.sql$/.test(file)).length;
  assert.equal((again.prepare('SELECT count(*) AS n FROM schema_version').get() as { n: number }).n, migrations);
  again.close();
});

test('an older hmmr refuses a newer schema with a clear message, and leaves the file alone', async () => {
  const path = join(dir, 'future.db');
  openDatabase(path).close();
  const raw = new Database(path);
  raw.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(999, '999_future.sql', 'x');
  raw.close();
  assert.throws(() => openDatabase(path), (error: unknown) => error instanceof DatabaseError && /schema version 999 is newer/.test(error.message));
  const cli = await runCli(['status', '--db', path]);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /^hmmr: .*future\.db: database schema version 999 is newer than this hmmr understands/m);
  const check = new Database(path, { readonly: true });
  assert.equal((check.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v, 999);
  check.close();
});

test('a file that is not an hmmr database is refused', () => {
  const text = join(dir, 'text.db');
  writeFileSync(text, 'definitely not sqlite, just text that is long enough to have a header '.repeat(10));
  assert.throws(() => openDatabase(text), (error: unknown) => error instanceof DatabaseError && /not an SQLite database|file is not a database/.test(error.message));
  const other = join(dir, 'other.db');
  const raw = new Database(other);
  raw.exec('CREATE TABLE somebody_elses (x)');
  raw.close();
  assert.throws(() => openDatabase(other), /not an hmmr database/);
});

test('a writer waits for another writer rather than failing', async () => {
  const path = join(dir, 'locked.db');
  openDatabase(path).close();
  const holder = new Database(path);
  holder.exec('BEGIN IMMEDIATE');
  const waiting = runCli(['ingest', join(dir, 'nothing-here'), '--db', path]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  holder.exec('COMMIT');
  holder.close();
  const result = await waiting;
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /nothing-here: no such file/);
});

test('Float32 BLOBs round-trip exactly, even from unaligned buffers', () => {
  const values = new Float32Array([1.5, -2.25, 3e-8, Number.NaN, 0]);
  const blob = float32ToBlob(values);
  const unaligned = Buffer.concat([Buffer.from([7]), blob]).subarray(1);
  assert.deepEqual(Array.from(blobToFloat32(unaligned)), Array.from(values));
});
