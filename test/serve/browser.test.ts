import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { getCuratedTube } from '../../src/store/tube-reviews.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { findChromium, launchBrowser, startServe, waitForViewerState } from './browser-session.js';
import { labelledClipDatabase } from './clip-database.js';

const chromium = findChromium();
const PLAYBACK_TIMEOUT_MS = 60_000;

test('in headless Chromium: open the app, play a tube over the clip, reject it, move the next to val with a note, all from the keyboard', { skip: chromium ? false : 'no chromium (apt-get install chromium, or set HMMR_CHROMIUM)' }, async () => {
  const dir = tempDir('hmmr-serve-browser-');
  const { dbPath, tubes } = await labelledClipDatabase(dir);
  const [first, second] = tubes as [(typeof tubes)[0], (typeof tubes)[0]];
  const serve = await startServe(['--db', dbPath]);
  const { browser, page } = await launchBrowser(chromium!);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  try {
    await page.goto(`${serve.url}#/tubes?video=1`);
    await page.waitForSelector(`.stage[data-tube-id="${first.id}"][data-frame-index]:not([data-frame-index=""])`, { timeout: PLAYBACK_TIMEOUT_MS });
    const rows = (await page.evaluate(`[...document.querySelectorAll('tbody tr')].map((tr) => Number(tr.dataset.tubeId))`)) as number[];
    assert.deepEqual(rows, tubes.map((t) => t.id), 'the list shows every tube, by id');

    // Playing: the video advances from the tube's first frame, the overlay follows it, and skeleton pixels are drawn.
    // The limits are generous: headless Chromium's playback runs in real time and stalls while the suite's
    // other file (concurrency 2) holds both cores; a fresh-clone CI run once saw 0.5 s of video take over 20 s.
    const firstTime = first.firstFrame / 24;
    await page.waitForFunction(`!document.querySelector('video').paused && document.querySelector('video').currentTime > ${firstTime + 0.5}`, { timeout: PLAYBACK_TIMEOUT_MS });
    // The overlay redraws on the next animation frame after the video moves: wait for it, not for a fixed time.
    const playing = await waitForViewerState(page, `state.frameIndex > ${first.firstFrame}`, PLAYBACK_TIMEOUT_MS);
    assert.equal(playing.tubeId, first.id);
    assert.ok(playing.frameIndex! < first.firstFrame + first.frameCount * 6, 'still inside the tube');
    assert.ok(playing.overlayPixels > 500, `overlay pixels drawn: ${playing.overlayPixels}`);

    // r rejects and moves on; 2 puts the next tube in val; n, text, Enter stores a note.
    await page.keyboard.press('r');
    await page.waitForSelector(`.stage[data-tube-id="${second.id}"]`, { timeout: 10_000 });
    await page.waitForSelector(`tr[data-tube-id="${first.id}"] td.status-rejected`);
    await page.keyboard.press('2');
    await page.waitForFunction(`document.querySelector('#toast').textContent.includes('split val')`);
    await page.keyboard.press('n');
    await page.keyboard.type('partly hidden by the table');
    await page.keyboard.press('Enter');
    await page.waitForFunction(`document.querySelector('#toast').textContent.includes('note partly hidden')`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    const stopped = await serve.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /hmmr serve: stopped/);
  }

  const db = openDatabase(dbPath, { readonly: true });
  try {
    assert.equal(getCuratedTube(db, first.id)!.review.status, 'rejected');
    const next = getCuratedTube(db, second.id)!;
    assert.deepEqual([next.review.status, next.split, next.review.note], ['unreviewed', 'val', 'partly hidden by the table']);
  } finally {
    db.close();
  }
  const listed = await runCli(['tubes', 'list', '--status', 'rejected', '--db', dbPath]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^ +${first.id} +1 +${first.frameCount} .* rejected +train +${first.name.replace(/\//g, '\\/')}\\n1 tubes$`, 'm'));
});
