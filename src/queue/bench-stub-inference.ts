/**
 * FOR bench/queue.bench.ts ONLY: what a worker returns for a chunk when it skips decoding and the
 * network, so the bench can measure how many frames of results per second the coordinator commits
 * (its capacity, which caps how many real workers one coordinator can serve). The frames are the
 * chunk's real frame indices, each with two people of a full keypoint set, the size of a real result.
 */
import type { Person2D } from '../domain.js';
import type { LabelledFrame } from '../pose2d/label-video.js';
import { isFrameKept, subsampleStep } from '../video/frame-geometry.js';
import type { ChunkJobData } from './chunk-job.js';

export function benchStubFrames(job: ChunkJobData, keypointCount: number): LabelledFrame[] {
  const { video, startFrame } = job;
  const step = subsampleStep(video.fps, job.settings.fps);
  const end = Math.min(job.endFrame ?? video.frameCount, video.frameCount);
  const frames: LabelledFrame[] = [];
  for (let index = startFrame; index < end; index++) {
    if (!isFrameKept(index, startFrame, step)) continue;
    const people: Person2D[] = [0, 1].map((person) => ({
      keypoints: Float32Array.from({ length: keypointCount * 3 }, (_, k) => (k % 3 === 2 ? 0.5 : index + person * 100 + k)),
      score: 10 - person,
      partCount: keypointCount,
    }));
    frames.push({ frameIndex: index, timeSec: index / video.fps, sceneScore: 0, people });
  }
  return frames;
}
