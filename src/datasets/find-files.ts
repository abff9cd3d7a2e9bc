import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputFileError } from '../errors.js';

/**
 * `path` itself when it is a file, else every file below it (recursively, sorted) whose name ends
 * in `extension` and passes `keep`. None is a BadInputFileError naming what was expected.
 */
export function findDatasetFiles(path: string, extension: string, expected: string, keep: (file: string) => boolean = () => true): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new BadInputFileError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (stats.isFile()) return [path];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(extension) && keep(full)) found.push(full);
    }
  };
  walk(path);
  if (found.length === 0) throw new BadInputFileError(path, `no ${expected} found`);
  return found;
}
