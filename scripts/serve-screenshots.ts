/**
 * The README's screenshots of hmmr serve: the tube viewer, a video's timeline and a run's curves, taken
 * with headless Chromium and reduced to 128-colour PNGs with ffmpeg.
 *   node dist/scripts/serve-screenshots.js <db> <runs folder> <tube id> <out folder>
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, launchBrowser, startServe } from '../test/serve/browser-session.js';
import { ffmpegPath } from '../src/video/ffmpeg-binaries.js';

const [dbPath, runsDir, tubeId, outDir] = process.argv.slice(2);
if (!dbPath || !runsDir || !tubeId || !outDir) throw new Error('usage: serve-screenshots <db> <runs folder> <tube id> <out folder>');
const chromium = findChromium();
if (!chromium) throw new Error('no chromium: apt-get install chromium, or set HMMR_CHROMIUM');

const serve = await startServe(['--db', dbPath, '--runs', runsDir, '--read-only']);
const { browser, page } = await launchBrowser(chromium);
await page.setViewport({ width: 1280, height: 880 });
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function shoot(hash: string, name: string, ready: string, before?: () => Promise<void>): Promise<void> {
  await page.goto(`${serve.url}${hash}`);
  await page.waitForSelector(ready, { timeout: 30_000 });
  await before?.();
  await settle(500);
  const raw = join(outDir!, `${name}.raw.png`);
  await page.screenshot({ path: raw as `${string}.png` });
  const out = join(outDir!, `${name}.png`);
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', raw, '-vf', 'split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=none', out]);
  rmSync(raw);
  console.log(out);
}

try {
  await shoot(`#/tubes?video=1&tube=${tubeId}`, 'serve-tubes', `.stage[data-tube-id="${tubeId}"][data-frame-index]:not([data-frame-index=""])`, async () => {
    await settle(1500);
    await page.keyboard.press(' '); // pause on a frame mid-tube
  });
  await shoot('#/video/1', 'serve-video', '#timeline');
  await shoot('#/runs', 'serve-runs', 'canvas.chart');
} finally {
  await browser.close();
  await serve.stop();
}
