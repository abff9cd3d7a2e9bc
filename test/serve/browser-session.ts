import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { projectPath } from '../../src/util/project-root.js';
import { cliInvocation } from '../helpers/run-cli.js';

/** Debian's chromium (.ci/run installs it), or the browser named by $HMMR_CHROMIUM. */
export function findChromium(): string | undefined {
  return [process.env.HMMR_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path !== undefined && existsSync(path));
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Ctrl-C, as a user would; resolves with the exit code and everything printed. */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** The real `hmmr serve` on a free port, resolved once it printed its URL. */
export function startServe(args: string[]): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliInvocation(), 'serve', '--port', '0', ...args], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const url = /hmmr serve: (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) resolve({ url, child, stop: async () => (child.kill('SIGINT'), { code: await exited, stdout, stderr }) });
    });
    child.on('error', reject);
    exited.then((code) => reject(new Error(`hmmr serve exited ${code} before listening: ${stderr}`)));
  });
}

/** Headless Chromium that may play video without a user gesture; running as root needs --no-sandbox. */
export async function launchBrowser(executablePath: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio', '--disable-gpu'],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  return { browser, page };
}

/** What the tube viewer shows now (its stage's data attributes and the video element's state). */
export interface ViewerState {
  tubeId: number;
  frameIndex: number | null;
  currentTime: number;
  paused: boolean;
  /** Overlay canvas pixels with anything drawn on them. */
  overlayPixels: number;
}

// Runs in the page (this project compiles without the DOM library, so the page's code is text).
const VIEWER_STATE = `(() => {
  const stage = document.querySelector('.stage');
  const video = stage.querySelector('video');
  const canvas = stage.querySelector('canvas');
  const pixels = canvas.width > 0 ? canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data : [];
  let overlayPixels = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) overlayPixels++;
  return {
    tubeId: Number(stage.dataset.tubeId),
    frameIndex: stage.dataset.frameIndex ? Number(stage.dataset.frameIndex) : null,
    currentTime: video.currentTime,
    paused: video.paused,
    overlayPixels,
  };
})()`;

/**
 * Waits until `condition` (a page-side expression over `state`, a ViewerState) holds and returns the
 * state it held for. Reading the state in the same evaluation matters: the viewer loops over the tube,
 * so on a loaded machine a second, later read can already be back at the tube's first frame.
 */
export async function waitForViewerState(page: Page, condition: string, timeout: number): Promise<ViewerState> {
  const handle = await page.waitForFunction(`(() => { const state = ${VIEWER_STATE}; return ${condition} ? state : null; })()`, { timeout });
  return (await handle.jsonValue()) as ViewerState;
}
