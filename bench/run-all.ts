import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable, type Bench } from './bench-table.js';

/**
 * `npm run bench`: runs every bench/*.bench file in this folder (or only those whose name
 * contains one of the command-line arguments) and prints one markdown table each.
 */
const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => /\.bench\.(js|ts)$/.test(file))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

let failures = 0;
for (const file of files) {
  const started = Date.now();
  try {
    const bench = (await import(pathToFileURL(join(here, file)).href)).default as Bench;
    const table = await bench();
    console.log(formatTable(table));
    console.log(`\n(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    failures++;
    console.log(`## ${file}\n\nFAILED: ${(error as Error).stack ?? String(error)}\n`);
  }
}
process.exitCode = failures > 0 ? 1 : 0;
