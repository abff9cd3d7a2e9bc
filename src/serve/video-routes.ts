/**
 * /api/videos: every ingested video with its probe facts, label runs and tube decisions; one video's
 * timeline (people per processed frame, shot cuts, tubes by track); its playable bytes.
 */
import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { listLabelRuns, type LabelRun } from '../store/detections.js';
import { readFrameSummaries } from '../store/frame-summaries.js';
import { listCuratedTubes, type CuratedTube } from '../store/tube-reviews.js';
import { findTrackRun } from '../store/tubes.js';
import { getVideo, listVideos, type VideoRecord } from '../store/videos.js';
import { DEFAULT_SHOT_CHANGE_OPTIONS, detectShotChanges, type ShotChangeOptions } from '../tracker/shot-changes.js';
import { parseId, RequestError } from './request-error.js';
import type { ServerContext } from './server-context.js';
import { browserPlayback, sendTranscode, sendVideoFile } from './video-media.js';

function describeLabelRun(run: LabelRun) {
  return {
    id: run.id,
    source: run.source,
    modelName: run.modelName,
    keypointFormat: run.keypointFormat,
    params: JSON.parse(run.paramsJson) as object,
    status: run.status,
    /** First video frame not yet labelled (where an interrupted run resumes). */
    nextFrame: run.nextFrame,
    /** Frames the run processed (when done) or expects to. */
    framesTotal: run.framesTotal,
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

function describeVideo(video: VideoRecord, labelRuns: LabelRun[], tubes: CuratedTube[]) {
  const decided = (status: string) => tubes.filter((tube) => tube.review.status === status).length;
  return {
    ...video,
    name: basename(video.path),
    playback: browserPlayback(video),
    labelRuns: labelRuns.map(describeLabelRun),
    tubes: { total: tubes.length, accepted: decided('accepted'), rejected: decided('rejected'), unreviewed: decided('unreviewed') },
  };
}

function requireVideo(context: ServerContext, idParam: string | undefined): VideoRecord {
  const id = parseId(idParam, 'video id');
  const video = getVideo(context.db, id);
  if (!video) throw new RequestError(404, `no video ${id}`);
  return video;
}

export function registerVideoRoutes(app: FastifyInstance, context: ServerContext): void {
  const { db } = context;

  app.get('/api/videos', async () => {
    const tubes = listCuratedTubes(db);
    const videos = listVideos(db).map((video) =>
      describeVideo(video, listLabelRuns(db, { videoId: video.id }), tubes.filter((tube) => tube.videoId === video.id)),
    );
    return { videos };
  });

  app.get<{ Params: { id: string } }>('/api/videos/:id', async (request) => {
    const video = requireVideo(context, request.params.id);
    return describeVideo(video, listLabelRuns(db, { videoId: video.id }), listCuratedTubes(db, { videoId: video.id }));
  });

  /** The newest finished label run's frames, the shot cuts its track run used, and the tubes. */
  app.get<{ Params: { id: string } }>('/api/videos/:id/timeline', async (request) => {
    const video = requireVideo(context, request.params.id);
    const run = listLabelRuns(db, { videoId: video.id, status: 'done' })[0];
    if (!run) return { videoId: video.id, labelRun: null, frames: [], shotStarts: [], tubes: [] };
    const frames = readFrameSummaries(db, run.id);
    const trackRun = findTrackRun(db, run.id);
    const shotOptions = (trackRun?.params as { shotChanges?: ShotChangeOptions } | undefined)?.shotChanges ?? DEFAULT_SHOT_CHANGE_OPTIONS;
    const cuts = detectShotChanges(frames.map((frame) => frame.sceneScore), shotOptions);
    const tubes = trackRun ? listCuratedTubes(db, { videoId: video.id }).filter((tube) => tube.trackRunId === trackRun.id) : [];
    return {
      videoId: video.id,
      labelRun: describeLabelRun(run),
      frames,
      shotStarts: frames.filter((_, i) => cuts[i]).map((frame) => frame.frameIndex),
      tubes: tubes.map((tube) => ({ id: tube.id, name: tube.name, trackId: tube.trackId, firstFrame: tube.firstFrame, frameCount: tube.frameCount, status: tube.review.status, split: tube.split })),
    };
  });

  app.get<{ Params: { id: string }; Querystring: { start?: string } }>('/api/videos/:id/media', async (request, reply) => {
    const video = requireVideo(context, request.params.id);
    if (browserPlayback(video) === 'direct') return sendVideoFile(reply, video, request.headers.range);
    const start = request.query.start === undefined ? 0 : Number(request.query.start);
    if (!(start >= 0 && start <= video.durationSec)) throw new RequestError(400, `start must be a time in seconds between 0 and ${video.durationSec}; got ${JSON.stringify(request.query.start)}`);
    return sendTranscode(reply, video, start, context.log);
  });
}
