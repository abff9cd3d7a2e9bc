/** The video with each frame's people (and, when given, their predicted skeletons) drawn onto it. */
import type { KeypointFormat } from '../domain.js';
import { drawFrames, type DrawFramesOptions } from './draw-frames.js';
import { drawPoseOverlay, type OverlayPerson } from './pose-overlay.js';
import { LSP14_FORMAT } from './predicted-skeleton.js';

export interface RenderOverlayOptions extends DrawFramesOptions {
  format: KeypointFormat;
  /** People to draw on frame `frameIndex` (original pixels). */
  peopleAt(frameIndex: number): readonly OverlayPerson[];
  /** Predicted LSP-14 skeletons to draw over them (original pixels). */
  predictedAt?(frameIndex: number): readonly OverlayPerson[];
}

/** Returns the number of frames written. */
export function renderOverlayVideo(videoPath: string, outPath: string, options: RenderOverlayOptions): Promise<number> {
  return drawFrames(videoPath, outPath, options, (frame, image) => {
    drawPoseOverlay(image, options.peopleAt(frame.index), options.format, frame.scale);
    if (options.predictedAt) drawPoseOverlay(image, options.predictedAt(frame.index), LSP14_FORMAT, frame.scale);
    return image;
  });
}
