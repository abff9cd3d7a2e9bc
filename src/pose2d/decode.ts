/**
 * Heatmaps + PAFs of one image → people with keypoints in original video pixels:
 * peaks (peaks.ts) → per-limb PAF scoring and one-to-one matching (connections.ts) → people
 * (assemble.ts). Every threshold is an option; the defaults are OpenPose's (poseParameters.cpp).
 */
import type { Person2D } from '../domain.js';
import { assemblePeople } from './assemble.js';
import { findLimbConnections } from './connections.js';
import { keypointCount, type PoseModelDescriptor } from './descriptor.js';
import { cellToOriginalPx, contentCells, type FrameGeometry, type PoseMaps } from './maps.js';
import { PeakFinder } from './peaks.js';

export interface DecodeOptions {
  /** Heatmap peak threshold (OpenPose nms_threshold). */
  peakThreshold: number;
  /** Heatmap smoothing sigma in network-input pixels (OpenPose / tf-pose: 3). */
  smoothingSigmaInputPx: number;
  /** Candidates kept per keypoint type (OpenPose POSE_MAX_PEOPLE). */
  maxPeaksPerPart: number;
  /** A PAF sample counts when its projection on the limb exceeds this (OpenPose inter_threshold). */
  pafSampleThreshold: number;
  /** Fraction of PAF samples that must count (OpenPose inter_min_above_threshold). */
  pafMinAboveFraction: number;
  /** Fewest keypoints per person (OpenPose min_subset_cnt). */
  minParts: number;
  /** Lowest mean score per keypoint of a person (OpenPose min_subset_score). */
  minMeanScore: number;
}

/** OpenPose's defaults (spec B5); its COCO-challenge preset is 0.04 / 0.01 / 0.75 / 2 / 0.05. */
export const OPENPOSE_DECODE_DEFAULTS: Readonly<DecodeOptions> = Object.freeze({
  peakThreshold: 0.05,
  smoothingSigmaInputPx: 3,
  maxPeaksPerPart: 127,
  pafSampleThreshold: 0.05,
  pafMinAboveFraction: 0.95,
  minParts: 3,
  minMeanScore: 0.4,
});

export function resolveDecodeOptions(overrides: Partial<DecodeOptions> = {}): DecodeOptions {
  const options = { ...OPENPOSE_DECODE_DEFAULTS };
  for (const [key, value] of Object.entries(overrides) as [keyof DecodeOptions, number | undefined][]) {
    if (value !== undefined) options[key] = value;
  }
  return options;
}

/**
 * Decodes one image at a time; holds scratch buffers so a whole video allocates nothing per cell.
 * Deterministic: the same maps give the same people.
 */
export class PoseDecoder {
  readonly options: DecodeOptions;
  private readonly peakFinder: PeakFinder;
  private readonly keypoints: number;

  constructor(
    private readonly descriptor: PoseModelDescriptor,
    overrides: Partial<DecodeOptions> = {},
  ) {
    this.options = resolveDecodeOptions(overrides);
    this.keypoints = keypointCount(descriptor);
    this.peakFinder = new PeakFinder({
      threshold: this.options.peakThreshold,
      smoothingSigmaInputPx: this.options.smoothingSigmaInputPx,
      stride: descriptor.stride,
      maxPeaksPerPart: this.options.maxPeaksPerPart,
    });
  }

  /** People sorted by descending score; keypoints in original pixels, clamped to the frame. */
  decode(maps: PoseMaps, geometry: FrameGeometry): Person2D[] {
    const { descriptor, options, keypoints } = this;
    const stride = descriptor.stride;
    const region = { width: contentCells(geometry.contentWidth, stride), height: contentCells(geometry.contentHeight, stride) };
    const peaks = this.peakFinder.find(maps.heatmaps, maps.width, maps.height, keypoints, region);
    const connections = findLimbConnections(peaks, descriptor.limbs, maps.pafs, maps.width, maps.height, {
      sampleThreshold: options.pafSampleThreshold,
      minAboveFraction: options.pafMinAboveFraction,
      stride,
    });
    const assembled = assemblePeople(peaks, connections, descriptor.limbs, keypoints, descriptor.keypointsNotCountedForPerson, options);

    // OpenPose's person score: all keypoint and limb scores over the most there could be, in 0..1.
    const scoreScale = 1 / (keypoints + descriptor.limbs.length);
    const maxX = geometry.originalWidth - 1;
    const maxY = geometry.originalHeight - 1;
    const people: Person2D[] = assembled.map((person) => {
      const flat = new Float32Array(keypoints * 3);
      for (let part = 0; part < keypoints; part++) {
        const peak = person.peaks[part]!;
        if (peak < 0) continue;
        const x = cellToOriginalPx(peaks.x[peak]!, stride, geometry.contentWidth, geometry.originalWidth);
        const y = cellToOriginalPx(peaks.y[peak]!, stride, geometry.contentHeight, geometry.originalHeight);
        flat[part * 3] = Math.max(0, Math.min(maxX, x));
        flat[part * 3 + 1] = Math.max(0, Math.min(maxY, y));
        // A confidence of exactly 0 means "missing" downstream; a found keypoint never reports it.
        flat[part * 3 + 2] = Math.max(peaks.score[peak]!, 1e-6);
      }
      return { keypoints: flat, score: person.totalScore * scoreScale, partCount: person.partCount };
    });
    return people.sort((p, q) => q.score - p.score);
  }
}
