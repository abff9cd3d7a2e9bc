/**
 * Tracking errors against known identities, in the CLEAR-MOT sense, counted over the detections the
 * tracker was given (a person the detector missed is not the tracker's fault):
 * - idSwitches: a truth person's track id differs from the one it last had;
 * - fragmentations: a truth person goes from tracked to untracked and back;
 * - impureTracks: tracks holding detections of two or more truth people (a mixed training tube);
 * - falsePositiveHits: false-positive detections that ended up in a confirmed track.
 */
import type { Tube } from '../../src/domain.js';
import type { TrackHit } from '../../src/tracker/track-lifecycle.js';
import type { Track } from '../../src/tracker/tracker.js';
import type { LabelledFrame } from './synthetic-poses.js';

export interface IdentityErrors {
  idSwitches: number;
  fragmentations: number;
  impureTracks: number;
  falsePositiveHits: number;
  /** Share of true detections that belong to a confirmed track. */
  coverage: number;
}

export function countIdentityErrors(stream: readonly LabelledFrame[], tracks: readonly Track[]): IdentityErrors {
  const trackOf = new Map<string, number>();
  for (const track of tracks) {
    for (const { hit } of track.frames) if (hit) trackOf.set(`${hit.frameIndex}/${hit.personIndex}`, track.trackId);
  }
  const lastTrackOfTruth = new Map<number, number>();
  const wasTrackedOfTruth = new Map<number, boolean>();
  const truthsOfTrack = new Map<number, Set<number>>();
  let idSwitches = 0;
  let fragmentations = 0;
  let falsePositiveHits = 0;
  let trueDetections = 0;
  let trackedDetections = 0;
  for (const { frame, truthIds } of stream) {
    truthIds.forEach((truthId, personIndex) => {
      const trackId = trackOf.get(`${frame.frameIndex}/${personIndex}`);
      if (truthId < 0) {
        if (trackId !== undefined) falsePositiveHits++;
        return;
      }
      trueDetections++;
      const wasTracked = wasTrackedOfTruth.get(truthId);
      wasTrackedOfTruth.set(truthId, trackId !== undefined);
      if (trackId === undefined) return;
      trackedDetections++;
      if (wasTracked === false && lastTrackOfTruth.has(truthId)) fragmentations++;
      const previous = lastTrackOfTruth.get(truthId);
      if (previous !== undefined && previous !== trackId) idSwitches++;
      lastTrackOfTruth.set(truthId, trackId);
      const truths = truthsOfTrack.get(trackId) ?? new Set<number>();
      truths.add(truthId);
      truthsOfTrack.set(trackId, truths);
    });
  }
  const impureTracks = [...truthsOfTrack.values()].filter((truths) => truths.size > 1).length;
  return {
    idSwitches,
    fragmentations,
    impureTracks,
    falsePositiveHits,
    coverage: trueDetections === 0 ? 1 : trackedDetections / trueDetections,
  };
}

/**
 * Tubes holding detections of two or more truth people (what training would actually see). `tubes`
 * must have been built with detection ids encoded by `syntheticDetectionId`.
 */
export function countImpureTubes(stream: readonly LabelledFrame[], tubes: readonly Tube[]): number {
  return tubes.filter((tube) => {
    const truths = new Set<number>();
    for (const frame of tube.frames) {
      if (frame.detectionId === undefined) continue;
      const { frameIndex, personIndex } = decodeSyntheticDetectionId(frame.detectionId);
      truths.add(stream[frameIndex]!.truthIds[personIndex]!);
    }
    return truths.size > 1;
  }).length;
}

const PEOPLE_PER_FRAME_LIMIT = 1000;

/** A stand-in detection id for synthetic streams: frame and person index packed into one number. */
export function syntheticDetectionId(hit: TrackHit): number {
  return hit.frameIndex * PEOPLE_PER_FRAME_LIMIT + hit.personIndex;
}

function decodeSyntheticDetectionId(id: number): { frameIndex: number; personIndex: number } {
  return { frameIndex: Math.floor(id / PEOPLE_PER_FRAME_LIMIT), personIndex: id % PEOPLE_PER_FRAME_LIMIT };
}
