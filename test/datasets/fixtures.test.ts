import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { writeDatasetFixtures } from '../../scripts/write-dataset-fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FIXTURES } from './fixture-paths.js';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

test('the committed dataset fixtures are exactly what scripts/write-dataset-fixtures.ts writes', () => {
  const dir = tempDir();
  writeDatasetFixtures(dir);
  const written = listFiles(dir).map((file) => relative(dir, file)).sort();
  const committed = listFiles(FIXTURES).map((file) => relative(FIXTURES, file)).sort();
  assert.deepEqual(committed, written);
  for (const file of written) assert.ok(readFileSync(join(dir, file)).equals(readFileSync(join(FIXTURES, file))), `${file} differs; rerun the script`);
});
