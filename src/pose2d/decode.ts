/**
 * Heatmaps + PAFs of one image → people with keypoints in original video pixels:
 * peaks (peaks.ts) → per-limb PAF scoring and one-to-one matching (connections.ts) → people
 * (assemble.ts). Every threshold is an option; the defaults are the model descriptor's
 * (decode-options.ts).
 */
import type { Person2D } from '../domain.js';
import { assemblePeople } from './assemble.js';
import { findLimbConnections } from './connections.js';
import { resolveDecodeOptions, type DecodeOptions } from './decode-options.js';
import { keypointCount, type PoseModelDescriptor } from './descriptor.js';
import { cellToOriginalPx, contentCells, type FrameGeometry, type PoseMaps } from './maps.js';
import { PeakFinder } from './peaks.js';

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
    this.options = resolveDecodeOptions(descriptor.decode, overrides);
    this.keypoints = keypointCount(descriptor);
    this.peakFinder = new PeakFinder({
      threshold: this.options.peakThreshold,
      smoothingSigmaInputPx: this.options.smoothingSigmaInputPx,
      stride: descriptor.stride,
      maxPeaksPerPart: this.options.maxPeaksPerPart,
      upsample: this.options.heatmapUpsample,
    });
  }

  /** People sorted by descending score; keypoints in original pixels, clamped to the frame. */
  decode(maps: PoseMaps, geometry: FrameGeometry): Person2D[] {
    const { descriptor, options, keypoints } = this;
    const stride = descriptor.stride;
    const region = { width: contentCells(geometry.contentWidth, stride), height: contentCells(geometry.contentHeight, stride) };
    const peaks = this.peakFinder.find(maps.heatmaps, maps.width, maps.height, keypoints, region);
    const connections = findLimbConnections(peaks, descriptor.limbs, maps.pafs, maps.width, maps.height, {
      samples: options.pafSamples,
      sampleThreshold: options.pafSampleThreshold,
      minAboveFraction: options.pafMinAboveFraction,
      stride,
      // The prior is relative to the picture height, here in cells.
      lengthPriorCells: options.limbLengthPrior * (geometry.contentHeight / stride),
      peakScoreWeight: options.peakScoreWeight,
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
