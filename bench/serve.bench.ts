import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../src/util/median.js';
import { findChromium, launchBrowser, startServe } from '../test/serve/browser-session.js';
import { labelledClipDatabase } from '../test/serve/clip-database.js';
import type { BenchTable } from './bench-table.js';

const LOADS = 5;
const SWITCHES = 12;
const SHOWING = (tubeId: number | null) =>
  tubeId === null ? '.stage[data-frame-index]:not([data-frame-index=""])' : `.stage[data-tube-id="${tubeId}"][data-frame-index]:not([data-frame-index=""])`;

/**
 * hmmr serve in headless Chromium: page load (navigation until the first tube's first frame is drawn)
 * and tube switch (key j until the next tube's frame is drawn). On $HMMR_SERVE_BENCH_DB (e.g. the
 * demo's hmmr-demo/hmmr.db) when set, else on the shipped clip labelled at 4 fps.
 */
export default async function serveBench(): Promise<BenchTable> {
  const columns = ['measure', 'n', 'median ms', 'max ms'];
  const chromium = findChromium();
  if (!chromium) return { title: 'hmmr serve in Chromium', columns, rows: [], notes: ['skipped: no chromium (apt-get install chromium, or set HMMR_CHROMIUM)'] };
  const scratch = mkdtempSync(join(tmpdir(), 'hmmr-serve-bench-'));
  try {
    const dbPath = process.env.HMMR_SERVE_BENCH_DB ?? (await labelledClipDatabase(scratch)).dbPath;
    const serve = await startServe(['--db', dbPath]);
    const { browser, page } = await launchBrowser(chromium);
    try {
      const loads: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const started = performance.now();
        await page.goto(`${serve.url}#/tubes`, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector(SHOWING(null), { timeout: 30_000 });
        loads.push(performance.now() - started);
      }
      const order = (await page.evaluate(`[...document.querySelectorAll('tbody tr')].map((tr) => Number(tr.dataset.tubeId))`)) as number[];
      const switches: number[] = [];
      for (const tubeId of order.slice(1, SWITCHES + 1)) {
        const started = performance.now();
        await page.keyboard.press('j');
        await page.waitForSelector(SHOWING(tubeId), { timeout: 30_000 });
        switches.push(performance.now() - started);
      }
      return {
        title: `hmmr serve in Chromium (${order.length} tubes)`,
        columns,
        rows: [
          ['page load, first (empty caches)', 1, loads[0]!, loads[0]!],
          ['page load, later', loads.length - 1, median(loads.slice(1)), Math.max(...loads.slice(1))],
          ['tube switch (j)', switches.length, median(switches), Math.max(...switches)],
        ],
        notes: [`database ${dbPath}`, 'page load: navigation until the first tube\'s frame is drawn over its video; tube switch: key press until the next tube\'s frame is drawn', 'absolute times of a shared machine: compare within one run only'],
      };
    } finally {
      await browser.close();
      await serve.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
