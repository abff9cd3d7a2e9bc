import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding hmmr's package.json, found by walking up from this file. Works both from
 * compiled code (dist/src/...) and from sources run by tsx (src/...), which sit at different depths.
 * Shipped assets (db/, models/, test fixtures) are located relative to it.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'hmmr') {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the hmmr package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** A path inside the package, e.g. projectPath('models', 'x.onnx'). */
export function projectPath(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
