/**
 * The video with its 2D skeletons drawn on it and, beside it, two panels with a 3D skeleton seen from
 * the front and from the side: decode → draw → encode, one frame in flight, nothing on disk but the
 * output (the same streaming shape as render-overlay.ts, with a wider canvas).
 */
import type { KeypointFormat } from '../domain.js';
import { readFrames, type SourceInfo } from '../video/frame-source.js';
import { drawPoseOverlay, type OverlayPerson } from './pose-overlay.js';
import type { RgbImage } from './raster.js';
import { drawSkeletonPanel, type SkeletonView } from './skeleton-3d.js';
import { Mp4Encoder } from './video-encoder.js';

export interface Render3dOptions {
  source: SourceInfo & { fpsNum: number; fpsDen: number };
  format: KeypointFormat;
  /** 2D people drawn on frame `frameIndex` (original pixels). */
  peopleAt(frameIndex: number): readonly OverlayPerson[];
  /** LSP-14 joints [14 × 3] (metres) shown in the panels on frame `frameIndex`; undefined leaves them empty. */
  jointsAt(frameIndex: number): ArrayLike<number> | undefined;
  /** Output height in pixels (aspect kept); the source's height when absent. */
  height?: number;
  signal?: AbortSignal;
  onFrame?(): void;
}

const VIEWS: readonly SkeletonView[] = ['front', 'side'];
/** Each panel is this fraction of the frame height wide. */
const PANEL_ASPECT = 0.6;

/** Returns the number of frames written; the output is the frame width + two panels wide. */
export async function renderVideoWith3dPanels(videoPath: string, outPath: string, options: Render3dOptions): Promise<number> {
  let encoder: Mp4Encoder | undefined;
  let canvas: RgbImage | undefined;
  let panel: RgbImage | undefined;
  let written = 0;
  try {
    const frames = readFrames(videoPath, {
      pixelFormat: 'rgb24',
      source: options.source,
      ...(options.height !== undefined ? { height: options.height } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const frame of frames) {
      const panelWidth = Math.round(frame.height * PANEL_ASPECT);
      if (!canvas || !panel || !encoder) {
        canvas = { width: frame.width + VIEWS.length * panelWidth, height: frame.height, data: new Uint8Array((frame.width + VIEWS.length * panelWidth) * frame.height * 3) };
        panel = { width: panelWidth, height: frame.height, data: new Uint8Array(panelWidth * frame.height * 3) };
        encoder = new Mp4Encoder(outPath, { width: canvas.width, height: canvas.height, fpsNum: options.source.fpsNum, fpsDen: options.source.fpsDen });
      }
      const image = { width: frame.width, height: frame.height, data: frame.data };
      drawPoseOverlay(image, options.peopleAt(frame.index), options.format, frame.scale);
      blit(canvas, image, 0);
      const joints = options.jointsAt(frame.index);
      VIEWS.forEach((view, v) => {
        drawSkeletonPanel(panel!, joints, view);
        blit(canvas!, panel!, frame.width + v * panelWidth);
      });
      await encoder.write(canvas.data);
      written++;
      options.onFrame?.();
    }
    await encoder?.finish();
    return written;
  } catch (error) {
    encoder?.abort();
    throw error;
  }
}

/** Copies `source` into `target` with its left edge at column `left` (same height). */
function blit(target: RgbImage, source: RgbImage, left: number): void {
  const rowBytes = source.width * 3;
  for (let y = 0; y < source.height; y++) {
    const from = y * rowBytes;
    target.data.set(source.data.subarray(from, from + rowBytes), (y * target.width + left) * 3);
  }
}
