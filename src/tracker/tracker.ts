/**
 * Online multi-person tracker: frame by frame, prune weak detections, predict every live track, match
 * tracks to detections with the Hungarian algorithm on gated costs, then update life cycles. A shot
 * change ends every track: nobody is linked across a cut.
 */
import type { KeypointFormat, PoseFrame } from '../domain.js';
import { DEFAULT_PAIR_COST_OPTIONS, gatedCostMatrix, type PairCostOptions, type PoseObservation } from './cost.js';
import { solveAssignment } from './hungarian.js';
import { boxFromVisibleKeypoints } from './keypoint-box.js';
import { oksSigmas } from './keypoint-roles.js';
import { TrackLifecycle, type TrackFrame, type TrackHit, type TrackLifecycleOptions } from './track-lifecycle.js';

export interface TrackerOptions extends TrackLifecycleOptions {
  /** Detections scoring below this are ignored. */
  minScore: number;
  /** Detections with fewer visible keypoints are ignored. */
  minParts: number;
  cost: PairCostOptions;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minHits: 3,
  maxGap: 10,
  velocitySmoothing: 0.5,
  keypointMemoryFrames: 25,
  minScore: 0,
  minParts: 3,
  cost: DEFAULT_PAIR_COST_OPTIONS,
};

/** A confirmed track: its id and every stream frame from its first hit to its last. */
export interface Track {
  trackId: number;
  frames: TrackFrame[];
}

export class PoseTracker {
  private readonly options: TrackerOptions;
  private readonly sigmas: Float64Array;
  private live: TrackLifecycle[] = [];
  private readonly finished: Track[] = [];
  private nextTrackId = 1;
  private lastFrameIndex = -Infinity;

  constructor(
    readonly format: KeypointFormat,
    options: Partial<TrackerOptions> = {},
  ) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options, cost: { ...DEFAULT_PAIR_COST_OPTIONS, ...options.cost } };
    this.sigmas = oksSigmas(format);
  }

  /** Consumes the next frame of the stream; `shotChange` = this frame starts a new shot. */
  push(frame: PoseFrame, shotChange = false): void {
    if (frame.frameIndex <= this.lastFrameIndex) {
      throw new RangeError(`frames must arrive in increasing order (${frame.frameIndex} after ${this.lastFrameIndex})`);
    }
    this.lastFrameIndex = frame.frameIndex;
    if (shotChange) this.endAll();

    const detections = this.usableDetections(frame);
    const predictions: PoseObservation[] = this.live.map((track) => track.predict(frame.frameIndex));
    const observed: PoseObservation[] = detections.map((hit) => ({ keypoints: hit.person.keypoints, box: hit.box }));
    const cost = gatedCostMatrix(predictions, observed, this.sigmas, this.options.cost);
    // Staying unmatched costs the gate: a pair is worth (gate − cost), so a track never grabs a poor
    // match (a false positive, a neighbour) just to let another track take its true detection.
    const { rowToCol, colToRow } = solveAssignment(cost, predictions.length, detections.length, {
      unassignedRowCost: this.options.cost.gate,
    });

    for (let t = 0; t < this.live.length; t++) {
      const track = this.live[t]!;
      const d = rowToCol[t]!;
      if (d >= 0) {
        track.recordHit(detections[d]!);
        if (track.state === 'confirmed' && track.trackId === undefined) track.trackId = this.nextTrackId++;
      } else {
        track.recordMiss(frame.frameIndex);
      }
    }
    this.retireEnded();
    for (let d = 0; d < detections.length; d++) {
      if (colToRow[d]! >= 0) continue;
      const track = new TrackLifecycle(detections[d]!, this.options);
      // With minHits ≤ 1 a single detection is already a confirmed track.
      if (track.state === 'confirmed') track.trackId = this.nextTrackId++;
      this.live.push(track);
    }
  }

  /** Ends the stream: returns every confirmed track, by id. The tracker can be reused afterwards. */
  finish(): Track[] {
    this.endAll();
    const tracks = this.finished.splice(0).sort((a, b) => a.trackId - b.trackId);
    this.lastFrameIndex = -Infinity;
    return tracks;
  }

  private usableDetections(frame: PoseFrame): TrackHit[] {
    const hits: TrackHit[] = [];
    frame.people.forEach((person, personIndex) => {
      if (person.score < this.options.minScore || person.partCount < this.options.minParts) return;
      const box = boxFromVisibleKeypoints(person.keypoints);
      if (!box) return;
      hits.push({ frameIndex: frame.frameIndex, personIndex, person, box });
    });
    return hits;
  }

  private endAll(): void {
    for (const track of this.live) track.end();
    this.retireEnded();
  }

  private retireEnded(): void {
    const stillLive: TrackLifecycle[] = [];
    for (const track of this.live) {
      if (track.state !== 'ended') stillLive.push(track);
      else if (track.trackId !== undefined) this.finished.push({ trackId: track.trackId, frames: track.frames });
    }
    this.live = stillLive;
  }
}
