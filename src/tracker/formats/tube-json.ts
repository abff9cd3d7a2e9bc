/**
 * hmmr's own tube exchange file ("hmmr-tubes", version 1; schema in docs/formats.md): every tube with
 * its per-frame keypoints, smoothed box and crop parameters, so another tool can cut the same 224×224
 * training crops without re-running tracking.
 */
import type { KeypointFormat, Tube } from '../../domain.js';
import type { ExportVideo } from './export-types.js';
import { float32ArrayToJson, roundTo } from './json-numbers.js';

export const TUBE_JSON_FORMAT = 'hmmr-tubes';
export const TUBE_JSON_VERSION = 1;

/** A tube as stored: the domain tube plus its name and training metadata. */
export interface NamedTube extends Tube {
  name: string;
  tier: string;
  split: string;
  fps: number;
}

export interface TubeCropConvention {
  /** Side of the square training crop, px. */
  cropSizePx: number;
  /** The person's box diagonal in crop pixels (crop.scale = this / diagonal in video pixels). */
  targetDiagonalPx: number;
}

/** Positions to 1e-3 px and scales to 1e-6: far below detection noise, and keeps files small. */
export function tubeJsonDocument(
  video: ExportVideo | null,
  format: KeypointFormat,
  crop: TubeCropConvention,
  tubes: readonly NamedTube[],
): object {
  return {
    format: TUBE_JSON_FORMAT,
    version: TUBE_JSON_VERSION,
    video,
    keypointFormat: { name: format.name, keypoints: format.keypoints },
    crop,
    tubes: tubes.map((tube) => ({
      name: tube.name,
      trackId: tube.trackId,
      tier: tube.tier,
      split: tube.split,
      fps: tube.fps,
      firstFrame: tube.frames[0]?.frameIndex ?? 0,
      frameCount: tube.frames.length,
      frames: tube.frames.map((frame) => ({
        frame: frame.frameIndex,
        detectionId: frame.detectionId ?? null,
        keypoints: float32ArrayToJson(frame.keypoints),
        box: [frame.box.x, frame.box.y, frame.box.width, frame.box.height].map((v) => roundTo(v, 3)),
        crop: [roundTo(frame.crop.centerX, 3), roundTo(frame.crop.centerY, 3), roundTo(frame.crop.scale, 6)],
      })),
    })),
  };
}
