/**
 * 2D pseudo-label quality against the network's own evidence, the measure of issue 11: does the
 * decoder keep every keypoint the network clearly sees?
 *
 * - Confident peak: a keypoint channel whose raw heatmap, over the picture (stride padding left out),
 *   has its global maximum above 0.3. In a single-person clip that peak is the person's keypoint.
 * - Recall: the fraction of confident peaks with a decoded keypoint of the same type (any person)
 *   within 2 heatmap cells of the peak cell. Distances are in heatmap cells; a missing keypoint
 *   counts as infinitely far, so the median and p90 are over every confident peak.
 * - People-count stability: the mean |n(t) − n(t−1)| over consecutive sampled frames, and the
 *   fraction of frames with exactly the expected number of people.
 *
 * The cell of a decoded keypoint is computed here from first principles (input pixel edges →
 * cells), not with the decoder's own coordinate helpers, so a pixel-convention error shows up.
 */
import type { Person2D } from '../src/domain.js';
import type { PoseModelDescriptor } from '../src/pose2d/descriptor.js';
import { mirrorKeypoint } from '../src/pose2d/flip.js';
import { geometryOfFrame, type FrameGeometry, type PoseMaps } from '../src/pose2d/maps.js';
import { PeopleFinder, type Augmentation } from '../src/pose2d/people-finder.js';
import type { PoseSession } from '../src/pose2d/session.js';
import { readFrames } from '../src/video/frame-source.js';

export const CONFIDENT_PEAK = 0.3;
export const RECALL_RADIUS_CELLS = 2;

export interface NetworkFrame {
  index: number;
  maps: PoseMaps;
  geometry: FrameGeometry;
}

export interface ConfidentPeak {
  part: number;
  col: number;
  row: number;
  value: number;
}

/**
 * The network's maps of a clip sampled at `fps`, one frame per call (keeps nothing but the maps),
 * computed as `hmmr label` computes them (people-finder.ts); with augmentation, the averaged maps.
 */
export async function networkFrames(session: PoseSession, clip: string, original: { width: number; height: number }, fps: number, augmentation: Augmentation = {}): Promise<NetworkFrame[]> {
  const { descriptor } = session;
  const finder = new PeopleFinder(descriptor, augmentation);
  const frames: NetworkFrame[] = [];
  for await (const frame of readFrames(clip, { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat: finder.pixelFormat, fps })) {
    const batch = finder.newBatch(frame, 1);
    finder.add(batch, frame);
    const maps = finder.mapsOf(await finder.infer(session, batch), 0);
    // Copy out of the output tensor so the session's memory is not kept alive per frame.
    frames.push({ index: frame.index, maps: { ...maps, heatmaps: maps.heatmaps.slice(), pafs: maps.pafs.slice() }, geometry: geometryOfFrame(frame, original) });
  }
  return frames;
}

/** Per keypoint channel, the global maximum over the picture's cells when it exceeds the threshold. */
export function confidentPeaks(frame: NetworkFrame, descriptor: PoseModelDescriptor, threshold = CONFIDENT_PEAK): ConfidentPeak[] {
  const { maps, geometry } = frame;
  const cols = Math.min(maps.width, Math.ceil(geometry.contentWidth / descriptor.stride));
  const rows = Math.min(maps.height, Math.ceil(geometry.contentHeight / descriptor.stride));
  const cells = maps.width * maps.height;
  const peaks: ConfidentPeak[] = [];
  for (let part = 0; part < descriptor.keypointFormat.keypoints.length; part++) {
    let best: ConfidentPeak = { part, col: -1, row: -1, value: -Infinity };
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const value = maps.heatmaps[part * cells + row * maps.width + col]!;
        if (value > best.value) best = { part, col, row, value };
      }
    }
    if (best.value > threshold) peaks.push(best);
  }
  return peaks;
}

/**
 * A point in original pixel-centre coordinates → heatmap cell coordinates (cell centres integral).
 * Original pixel x covers [x − 0.5, x + 0.5); its centre is at edge position x + 0.5, which the resize
 * maps to input edge position (x + 0.5)·content/original; cell c spans input [c·s, (c+1)·s).
 */
export function originalToCell(x: number, original: number, content: number, stride: number): number {
  const inputEdge = ((x + 0.5) * content) / original;
  return inputEdge / stride - 0.5;
}

export interface QualityScore {
  frames: number;
  peaks: number;
  recall: number;
  medianCells: number;
  p90Cells: number;
  /** Mean |people(t) − people(t−1)|. */
  countChange: number;
  /** Fraction of frames with exactly `expectedPeople` people (NaN when not given). */
  expectedCountFraction: number;
  decodeMsPerFrame: number;
  /** Why the confident peaks beyond 2 cells were missed (see explainMiss). */
  misses: MissCounts;
}

/**
 * A missed confident peak is one of:
 * - otherSide: a decoded keypoint of the mirrored type (left ↔ right) lies within 2 cells: the heatmap
 *   names one side, the limbs the fields join name the other (an upside-down or back-turned body);
 * - droppedFragment: without the person filter (minParts, minMeanScore) a decoded group holds it: the
 *   fields join it to too little (an arm with no torso in view) to count as a person;
 * - unassembled: no limb the fields support reaches it (or the filter-free decoding was not given).
 */
export interface MissCounts {
  otherSide: number;
  droppedFragment: number;
  unassembled: number;
}

/** Distance in cells from `peak` to the nearest decoded keypoint of type `part` (∞ when none). */
function nearestKeypointCells(people: readonly Person2D[], part: number, peak: ConfidentPeak, geometry: FrameGeometry, stride: number): number {
  let nearest = Infinity;
  for (const person of people) {
    if (person.keypoints[part * 3 + 2]! <= 0) continue;
    const col = originalToCell(person.keypoints[part * 3]!, geometry.originalWidth, geometry.contentWidth, stride);
    const row = originalToCell(person.keypoints[part * 3 + 1]!, geometry.originalHeight, geometry.contentHeight, stride);
    nearest = Math.min(nearest, Math.hypot(col - peak.col, row - peak.row));
  }
  return nearest;
}

export function scoreDecoding(
  frames: readonly NetworkFrame[],
  descriptor: PoseModelDescriptor,
  decode: (frame: NetworkFrame) => Person2D[],
  expectedPeople?: number,
  decodeWithoutPersonFilter?: (frame: NetworkFrame) => Person2D[],
): QualityScore {
  const names = descriptor.keypointFormat.keypoints;
  const distances: number[] = [];
  const misses: MissCounts = { otherSide: 0, droppedFragment: 0, unassembled: 0 };
  const counts: number[] = [];
  let decodeMs = 0;
  for (const frame of frames) {
    const started = performance.now();
    const people = decode(frame);
    decodeMs += performance.now() - started;
    counts.push(people.length);
    const nearestOfType = (candidates: readonly Person2D[], part: number, peak: ConfidentPeak) => nearestKeypointCells(candidates, part, peak, frame.geometry, descriptor.stride);
    let unfiltered: Person2D[] | undefined;
    for (const peak of confidentPeaks(frame, descriptor)) {
      const nearest = nearestOfType(people, peak.part, peak);
      distances.push(nearest);
      if (nearest <= RECALL_RADIUS_CELLS) continue;
      const mirror = mirrorKeypoint(names, peak.part);
      if (mirror !== peak.part && nearestOfType(people, mirror, peak) <= RECALL_RADIUS_CELLS) {
        misses.otherSide++;
        continue;
      }
      unfiltered ??= decodeWithoutPersonFilter?.(frame) ?? [];
      if (nearestOfType(unfiltered, peak.part, peak) <= RECALL_RADIUS_CELLS) misses.droppedFragment++;
      else misses.unassembled++;
    }
  }
  distances.sort((a, b) => a - b);
  const quantile = (q: number) => (distances.length === 0 ? NaN : distances[Math.min(distances.length - 1, Math.floor(q * distances.length))]!);
  let change = 0;
  for (let i = 1; i < counts.length; i++) change += Math.abs(counts[i]! - counts[i - 1]!);
  return {
    frames: frames.length,
    peaks: distances.length,
    recall: distances.length === 0 ? NaN : distances.filter((d) => d <= RECALL_RADIUS_CELLS).length / distances.length,
    medianCells: quantile(0.5),
    p90Cells: quantile(0.9),
    countChange: counts.length > 1 ? change / (counts.length - 1) : 0,
    expectedCountFraction: expectedPeople === undefined ? NaN : counts.filter((n) => n === expectedPeople).length / Math.max(1, counts.length),
    decodeMsPerFrame: decodeMs / Math.max(1, frames.length),
    misses,
  };
}
