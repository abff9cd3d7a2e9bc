import { existsSync } from 'node:fs';
import { projectPath } from '../src/util/project-root.js';

/**
 * Benchmarks may read the large clips in ../shared/videos (not shipped: licences and size).
 * Returns the path, or undefined with the reason to print when the folder is absent.
 */
export function sharedVideo(name: string): { path?: string; skipReason?: string } {
  const path = projectPath('..', 'shared', 'videos', name);
  return existsSync(path) ? { path } : { skipReason: `skipped: ${path} not found (../shared is only beside a developer checkout)` };
}
