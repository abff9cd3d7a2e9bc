/**
 * The video with its 2D skeletons drawn on it and, beside it, two panels with a 3D skeleton seen from
 * the front and from the side: decode → draw → encode, one frame in flight, nothing on disk but the
 * output (draw-frames.ts), onto a canvas wider than the video.
 */
import type { KeypointFormat } from '../domain.js';
import { drawFrames, type DrawFramesOptions } from './draw-frames.js';
import { drawPoseOverlay, type OverlayPerson } from './pose-overlay.js';
import { blankImage, blit, type RgbImage } from './raster.js';
import { drawSkeletonPanel, type SkeletonView } from './skeleton-3d.js';

export interface Render3dOptions extends DrawFramesOptions {
  format: KeypointFormat;
  /** 2D people drawn on frame `frameIndex` (original pixels). */
  peopleAt(frameIndex: number): readonly OverlayPerson[];
  /** LSP-14 joints [14 × 3] (metres) shown in the panels on frame `frameIndex`; undefined leaves them empty. */
  jointsAt(frameIndex: number): ArrayLike<number> | undefined;
}

const VIEWS: readonly SkeletonView[] = ['front', 'side'];
/** Each panel is this fraction of the frame height wide. */
const PANEL_ASPECT = 0.6;

/** Returns the number of frames written; the output is the frame width + two panels wide. */
export function renderVideoWith3dPanels(videoPath: string, outPath: string, options: Render3dOptions): Promise<number> {
  let canvas: RgbImage | undefined;
  let panel: RgbImage | undefined;
  return drawFrames(videoPath, outPath, options, (frame, image) => {
    const panelWidth = Math.round(frame.height * PANEL_ASPECT);
    canvas ??= blankImage(frame.width + VIEWS.length * panelWidth, frame.height);
    panel ??= blankImage(panelWidth, frame.height);
    drawPoseOverlay(image, options.peopleAt(frame.index), options.format, frame.scale);
    blit(canvas, image, 0);
    const joints = options.jointsAt(frame.index);
    VIEWS.forEach((view, v) => {
      drawSkeletonPanel(panel!, joints, view);
      blit(canvas!, panel!, frame.width + v * panelWidth);
    });
    return canvas;
  });
}
