import { extname, resolve } from 'node:path';
import { BadVideoError, HmmrError, InterruptedError } from '../errors.js';
import { ingestPaths } from '../ingest/ingest.js';
import { labelAndTrackVideos } from '../pipeline/label-and-track.js';
import type { Db } from '../store/database.js';
import { findTrackRun, listTubes, type StoredTubeInfo } from '../store/tubes.js';
import { getVideo, type VideoRecord } from '../store/videos.js';
import type { DemoContext } from './demo-context.js';
import type { PoseQuality } from '../pose2d/model-files.js';

export interface LabelledClip {
  video: VideoRecord;
  labelRunId: number;
  /** The clip's tubes from the label run's track run, longest first. */
  tubes: StoredTubeInfo[];
  /** What this call did: 'labelled' or 'reused' (an earlier demo run had finished it). */
  labelling: 'labelled' | 'reused';
}

/**
 * ingest → label (the shipped pose model `labelling.quality` names, with its decoding) → track, exactly as `hmmr ingest` and
 * `hmmr label` do it. Each step is idempotent, so a second demo run reuses the first one's work.
 */
export async function ingestAndLabelClip(db: Db, clipPath: string, labelling: { fps?: number; quality: PoseQuality }, ctx: DemoContext): Promise<LabelledClip> {
  const path = resolve(clipPath);
  const ingested = await ingestPaths(db, [path], { extensions: [extname(path).slice(1) || 'mp4'], concurrency: 1, signal: ctx.signal });
  const file = ingested.files[0];
  if (!file) throw new BadVideoError(path, 'not found, or not a video file');
  if (file.outcome === 'failed' || file.videoId === undefined) throw new BadVideoError(path, file.error ?? 'cannot be ingested');
  const video = getVideo(db, file.videoId)!;
  ctx.log.info(`  ${file.outcome}: ${path} (${video.width}x${video.height}, ${video.fps.toFixed(2)} fps, ${video.frameCount} frames)`);

  const { results } = await labelAndTrackVideos(db, [video], {
    device: 'cpu',
    quality: labelling.quality,
    ...(labelling.fps !== undefined ? { fps: labelling.fps } : {}),
    batchSize: 4,
    chunkFrames: 64,
    signal: ctx.signal,
    progressFor: () => ctx.progress('label', undefined, 'frames'),
  });
  const result = results[0];
  if (!result || result.status === 'interrupted') throw new InterruptedError();
  if (result.status === 'busy') throw new HmmrError(path, 'being labelled by another hmmr process; run the demo again when it has finished');
  if (result.status === 'partial') ctx.log.error(`hmmr: ${result.error ?? path}; the frames before the damage are used`);
  const tracking = result.tracking;
  if (tracking) ctx.log.info(`  ${tracking.frames} frames, ${tracking.detections} detections, ${tracking.tracks} tracks → ${tracking.tubes.length} tubes`);
  else if (result.status === 'already-done') ctx.log.info(`  already labelled and tracked (label run ${result.runId})`);
  const trackRun = findTrackRun(db, result.runId);
  const tubes = trackRun ? listTubes(db, { trackRunId: trackRun.id }).sort((a, b) => b.frameCount - a.frameCount) : [];
  return { video, labelRunId: result.runId, tubes, labelling: result.status === 'already-done' ? 'reused' : 'labelled' };
}
