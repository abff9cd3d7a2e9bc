/**
 * `--path-map from=to`: where a worker finds the coordinator's video paths when its mounts differ
 * (the store says /data/videos/a.mp4, this machine mounts the share at /mnt/videos). The longest
 * matching prefix wins; a path no mapping matches is used as it is.
 */
import { UsageError } from '../errors.js';

export interface PathMapping {
  from: string;
  to: string;
}

export function parsePathMapping(text: string): PathMapping {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`--path-map "${text}": expected from=to, e.g. /data/videos=/mnt/videos`);
  return { from: text.slice(0, at), to: text.slice(at + 1) };
}

export function mapPath(path: string, mappings: readonly PathMapping[]): string {
  const matches = mappings.filter(({ from }) => path === from || path.startsWith(from.endsWith('/') ? from : `${from}/`));
  if (matches.length === 0) return path;
  const best = matches.reduce((a, b) => (b.from.length > a.from.length ? b : a));
  return best.to + path.slice(best.from.length);
}
