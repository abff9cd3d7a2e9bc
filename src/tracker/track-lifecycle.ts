/**
 * One track's life: born tentative from an unmatched detection, confirmed after `minHits` consecutive
 * hits, carried through gaps of up to `maxGap` frames of the source video, then ended. A tentative track that misses once
 * is dropped (it was most likely a false positive). Motion model: constant velocity of the body, in
 * pixels per original frame index, so subsampled streams predict correctly.
 */
import type { Box, Person2D } from '../domain.js';
import type { PoseObservation } from './cost.js';
import { boxFromVisibleKeypoints } from './keypoint-box.js';

export type TrackState = 'tentative' | 'confirmed' | 'ended';

export interface TrackLifecycleOptions {
  /** Consecutive hits before a track is confirmed (and gets its id). */
  minHits: number;
  /**
   * Source-video frames since its last hit a confirmed track survives (a frame index distance, so
   * it means the same time at any --fps subsampling); more ends it.
   */
  maxGap: number;
  /** Weight of the newest velocity measurement (exponential smoothing), 0..1. */
  velocitySmoothing: number;
  /** A keypoint unseen for longer than this many frames is no longer predicted. */
  keypointMemoryFrames: number;
}

/** A detection a track took: where it is in the stream and the pose itself. */
export interface TrackHit {
  frameIndex: number;
  /** Position of the person in its PoseFrame.people (maps back to a stored detection). */
  personIndex: number;
  person: Person2D;
  box: Box;
}

/** One stream frame of a track, from its first hit to its last: a hit, or a missed frame (gap). */
export interface TrackFrame {
  frameIndex: number;
  hit?: TrackHit;
}

export class TrackLifecycle {
  state: TrackState = 'tentative';
  /** Assigned by the tracker when the track is confirmed. */
  trackId: number | undefined;
  /** Every stream frame since the first hit; trailing misses are trimmed when the track ends. */
  readonly frames: TrackFrame[] = [];
  private consecutiveHits = 0;
  private velocityX = 0;
  private velocityY = 0;
  private hitCount = 0;
  private last: TrackHit;
  /**
   * Every keypoint's latest known position, carried along with the body's velocity while unseen, as of
   * the last hit. A person partly hidden while crossing someone shows a different subset of keypoints
   * from frame to frame; comparing against the whole remembered body keeps such detections matchable.
   */
  private readonly memory: Float32Array;
  private readonly lastSeenFrame: Float64Array;

  constructor(
    first: TrackHit,
    private readonly options: TrackLifecycleOptions,
  ) {
    this.last = first;
    this.memory = new Float32Array(first.person.keypoints.length);
    this.lastSeenFrame = new Float64Array(first.person.keypoints.length / 3).fill(-Infinity);
    this.recordHit(first);
  }

  /** Where the person should be at `frameIndex`: the remembered body moved by its velocity. */
  predict(frameIndex: number): PoseObservation {
    const dt = frameIndex - this.last.frameIndex;
    const keypoints = new Float32Array(this.memory.length);
    for (let k = 0; k < this.lastSeenFrame.length; k++) {
      if (frameIndex - this.lastSeenFrame[k]! > this.options.keypointMemoryFrames) continue;
      keypoints[3 * k] = this.memory[3 * k]! + this.velocityX * dt;
      keypoints[3 * k + 1] = this.memory[3 * k + 1]! + this.velocityY * dt;
      keypoints[3 * k + 2] = this.memory[3 * k + 2]!;
    }
    return { keypoints, box: boxFromVisibleKeypoints(keypoints) ?? this.last.box };
  }

  recordHit(hit: TrackHit): void {
    if (this.hitCount > 0) this.updateVelocity(hit);
    const dt = hit.frameIndex - this.last.frameIndex;
    const keypoints = hit.person.keypoints;
    for (let k = 0; k < this.lastSeenFrame.length; k++) {
      if (keypoints[3 * k + 2]! > 0) {
        this.memory.set(keypoints.subarray(3 * k, 3 * k + 3), 3 * k);
        this.lastSeenFrame[k] = hit.frameIndex;
      } else if (this.lastSeenFrame[k]! > -Infinity) {
        this.memory[3 * k] = this.memory[3 * k]! + this.velocityX * dt;
        this.memory[3 * k + 1] = this.memory[3 * k + 1]! + this.velocityY * dt;
      }
    }
    this.last = hit;
    this.hitCount++;
    this.frames.push({ frameIndex: hit.frameIndex, hit });
    this.consecutiveHits++;
    if (this.state === 'tentative' && this.consecutiveHits >= this.options.minHits) this.state = 'confirmed';
  }

  /**
   * Velocity from the mean displacement of the keypoints seen both in the previous hit and now: unlike
   * the box centre, it does not jump when a different part of the body becomes hidden.
   */
  private updateVelocity(hit: TrackHit): void {
    const dt = hit.frameIndex - this.last.frameIndex;
    const keypoints = hit.person.keypoints;
    let sumX = 0;
    let sumY = 0;
    let shared = 0;
    for (let k = 0; k < this.lastSeenFrame.length; k++) {
      if (!(keypoints[3 * k + 2]! > 0) || this.lastSeenFrame[k] !== this.last.frameIndex) continue;
      sumX += keypoints[3 * k]! - this.memory[3 * k]!;
      sumY += keypoints[3 * k + 1]! - this.memory[3 * k + 1]!;
      shared++;
    }
    if (shared === 0) return;
    const vx = sumX / shared / dt;
    const vy = sumY / shared / dt;
    // The first measured velocity is taken as is; later ones are blended to damp detection jitter.
    const alpha = this.hitCount === 1 ? 1 : this.options.velocitySmoothing;
    this.velocityX = alpha * vx + (1 - alpha) * this.velocityX;
    this.velocityY = alpha * vy + (1 - alpha) * this.velocityY;
  }

  recordMiss(frameIndex: number): void {
    if (this.state === 'tentative') {
      this.state = 'ended';
      return;
    }
    this.consecutiveHits = 0;
    this.frames.push({ frameIndex });
    if (frameIndex - this.last.frameIndex > this.options.maxGap) this.end();
  }

  /** Ends the track (gap too long, shot change, end of stream); a track ends with its last hit. */
  end(): void {
    this.state = 'ended';
    while (this.frames.length > 0 && this.frames[this.frames.length - 1]!.hit === undefined) this.frames.pop();
  }
}
