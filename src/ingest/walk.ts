import { lstat, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

export const DEFAULT_VIDEO_EXTENSIONS = ['mp4', 'avi', 'mov', 'mkv', 'webm', 'm4v'] as const;

/** A file the walk found: either a candidate to probe, or a path already known to be unusable. */
export type WalkEntry =
  | { kind: 'candidate'; path: string; sizeBytes: number; mtimeMs: number }
  | { kind: 'unusable'; path: string; reason: string; sizeBytes?: number; mtimeMs?: number };

function hasVideoExtension(path: string, extensions: ReadonlySet<string>): boolean {
  return extensions.has(extname(path).slice(1).toLowerCase());
}

/**
 * Walks files and folders (recursively, symlinks to files followed, sorted for a stable order)
 * and yields every path whose extension is a video extension. A path named like a video that is
 * not a regular readable file (a folder called x.mp4, a dangling link) is reported, not skipped
 * silently: the user asked for it by name or by extension.
 */
export async function* walkVideoFiles(roots: readonly string[], extensions: readonly string[]): AsyncGenerator<WalkEntry> {
  const wanted = new Set(extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
  for (const root of roots) yield* visit(resolve(root), wanted, true);
}

async function* visit(path: string, wanted: ReadonlySet<string>, explicit: boolean): AsyncGenerator<WalkEntry> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const isLink = await lstat(path).then((l) => l.isSymbolicLink(), () => false);
    if (explicit || hasVideoExtension(path, wanted)) {
      yield { kind: 'unusable', path, reason: isLink ? 'broken symbolic link' : describeFsError(code) };
    }
    return;
  }
  if (info.isDirectory()) {
    if (!explicit && hasVideoExtension(path, wanted)) {
      yield { kind: 'unusable', path, reason: 'is a directory, not a video file' };
      return;
    }
    let names: string[];
    try {
      names = (await readdir(path)).sort();
    } catch (error) {
      yield { kind: 'unusable', path, reason: `cannot list folder: ${describeFsError((error as NodeJS.ErrnoException).code)}` };
      return;
    }
    for (const name of names) yield* visit(join(path, name), wanted, false);
    return;
  }
  if (!hasVideoExtension(path, wanted) && !explicit) return;
  if (!info.isFile()) {
    yield { kind: 'unusable', path, reason: 'not a regular file' };
    return;
  }
  yield { kind: 'candidate', path, sizeBytes: info.size, mtimeMs: info.mtimeMs };
}

export function describeFsError(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a video file';
    default:
      return code ?? 'cannot read';
  }
}
