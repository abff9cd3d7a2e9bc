import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPaths } from '../src/ingest/ingest.js';
import { DEFAULT_VIDEO_EXTENSIONS } from '../src/ingest/walk.js';
import { openDatabase } from '../src/store/database.js';
import { ffmpegPath } from '../src/video/ffmpeg-binaries.js';
import { readFrames } from '../src/video/frame-source.js';
import type { BenchTable } from './bench-table.js';
import { sharedVideo } from './shared-assets.js';

const VIDEO_COUNT = 200;

/** Ingest rate on 200 small generated videos, and frame-source decode rate vs `ffmpeg -f null`. */
export default async function ingestBench(): Promise<BenchTable> {
  const dir = mkdtempSync(join(tmpdir(), 'hmmr-bench-ingest-'));
  try {
    const videos = join(dir, 'videos');
    mkdirSync(videos);
    const seed = join(dir, 'seed.mp4');
    execFileSync(ffmpegPath(), ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-frames:v', '50', '-c:v', 'libx264', seed]);
    for (let i = 0; i < VIDEO_COUNT; i++) {
      // Distinct content per file (a different start frame), so every file is a new video, not an alias.
      execFileSync(ffmpegPath(), ['-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=25`, '-vf', `trim=start_frame=${i % 50}`,
        '-frames:v', '25', '-c:v', 'libx264', '-preset', 'ultrafast', '-metadata', `comment=${i}`, join(videos, `v${String(i).padStart(3, '0')}.mp4`)]);
    }
    const db = openDatabase(join(dir, 'bench.db'));
    const rows: (string | number)[][] = [];
    for (const [label, concurrency] of [['ingest, concurrency 1', 1], ['ingest, concurrency 4', 4]] as const) {
      db.exec('DELETE FROM video_paths; DELETE FROM videos; DELETE FROM ingest_failures;');
      const started = performance.now();
      const summary = await ingestPaths(db, [videos], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency });
      const sec = (performance.now() - started) / 1000;
      rows.push([label, summary.counts.added, sec, summary.counts.added / sec, '']);
    }
    const started = performance.now();
    const again = await ingestPaths(db, [videos], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 4 });
    const resec = (performance.now() - started) / 1000;
    rows.push(['re-ingest (unchanged, no hashing)', again.counts.unchanged, resec, again.counts.unchanged / resec, `${(rows[1]![2] as number / resec).toFixed(0)}x faster than first ingest`]);
    db.close();

    const notes = ['ratio = frame source frames/s ÷ ffmpeg frames/s, same clip, size and rgb24 conversion (target ≥ 0.9 vs -f null)'];
    const clip = sharedVideo('Wrestling.mp4');
    if (clip.path) rows.push(...(await decodeRows(clip.path)));
    else notes.push(clip.skipReason!);
    return { title: 'ingest and frame source', columns: ['case', 'files/frames', 'seconds', 'per second', 'ratio / note'], rows, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time of one ffmpeg run with its output discarded, and the frame count it reports. */
function timeFfmpeg(args: string[]): { sec: number; frames: number } {
  const started = performance.now();
  const result = spawnSync(ffmpegPath(), ['-hide_banner', '-nostats', ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] });
  return { sec: (performance.now() - started) / 1000, frames: Number(/frame=\s*(\d+)/.exec(result.stderr ?? '')?.[1] ?? Number.NaN) };
}

/**
 * Two baselines at the same size and pixel format: `-f null` decodes and converts but never
 * materialises the pixels (the reference), and `-f rawvideo` into /dev/null also copies
 * them out (the floor for any consumer of raw frames through a pipe).
 */
async function decodeRows(path: string): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (const height of [368, 720]) {
    const filter = `scale=-2:${height}:flags=bilinear,format=rgb24`;
    const nullRun = timeFfmpeg(['-i', path, '-vf', filter, '-f', 'null', '-']);
    const rawRun = timeFfmpeg(['-i', path, '-vf', filter, '-f', 'rawvideo', '-y', '/dev/null']);
    const started = performance.now();
    let frames = 0;
    for await (const _frame of readFrames(path, { height })) frames++;
    const rate = frames / ((performance.now() - started) / 1000);
    rows.push([`ffmpeg -f null, height ${height}`, nullRun.frames, nullRun.sec, nullRun.frames / nullRun.sec, '']);
    rows.push([`ffmpeg -f rawvideo > /dev/null, height ${height}`, rawRun.frames, rawRun.sec, rawRun.frames / rawRun.sec, '']);
    rows.push([`frame source rgb24, height ${height}`, frames, frames / rate, rate,
      `${(rate / (nullRun.frames / nullRun.sec)).toFixed(2)} vs null, ${(rate / (rawRun.frames / rawRun.sec)).toFixed(2)} vs rawvideo`]);
  }
  return rows;
}
