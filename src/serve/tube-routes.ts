/**
 * /api/tubes: the curation list with quality figures, one tube with every frame the viewer draws,
 * and PATCH to record a decision (status, split, note).
 */
import type { FastifyInstance } from 'fastify';
import type { TubeFrame } from '../domain.js';
import { readTubeFrameTimes } from '../store/frame-summaries.js';
import { curateTubes, getCuratedTube, listCuratedTubes, TUBE_REVIEW_STATUSES, type CuratedTube, type TubeReviewStatus } from '../store/tube-reviews.js';
import { readTubeFrames } from '../store/tubes.js';
import { getVideo } from '../store/videos.js';
import { keypointFormatFor } from '../body/keypoint-formats.js';
import { parseCurationChange } from './curation-request.js';
import { parseId, RequestError } from './request-error.js';
import type { ServerContext } from './server-context.js';
import { measureTubeQuality, type TubeQuality } from './tube-quality.js';
import { browserPlayback } from './video-media.js';

/**
 * Quality needs every keypoint of a tube; tubes never change after tracking (a re-track makes new
 * ones, with a new created_at), so each is measured once per server.
 */
class QualityCache {
  private readonly byTube = new Map<string, TubeQuality>();

  constructor(private readonly context: ServerContext) {}

  of(tube: CuratedTube, frames?: readonly TubeFrame[]): TubeQuality {
    const key = `${tube.id}@${tube.createdAt}`;
    let quality = this.byTube.get(key);
    if (!quality) {
      quality = measureTubeQuality(frames ?? readTubeFrames(this.context.db, tube.id), tube.meanScore, tube.filledFrames);
      this.byTube.set(key, quality);
    }
    return quality;
  }
}

function optionalQueryId(value: string | undefined, field: string): number | undefined {
  return value === undefined || value === '' ? undefined : parseId(value, field);
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function registerTubeRoutes(app: FastifyInstance, context: ServerContext): void {
  const { db } = context;
  const quality = new QualityCache(context);
  const withQuality = (tube: CuratedTube) => ({ ...tube, quality: quality.of(tube) });

  app.get<{ Querystring: { video?: string; status?: string; minFrames?: string } }>('/api/tubes', async (request) => {
    const { video, status, minFrames } = request.query;
    if (status !== undefined && !TUBE_REVIEW_STATUSES.includes(status as TubeReviewStatus)) {
      throw new RequestError(400, `status must be one of ${TUBE_REVIEW_STATUSES.join(', ')}; got ${JSON.stringify(status)}`);
    }
    const filter = {
      videoId: optionalQueryId(video, 'video'),
      status: status as TubeReviewStatus | undefined,
      minFrames: minFrames === undefined ? undefined : parseId(minFrames, 'minFrames'),
    };
    return { tubes: listCuratedTubes(db, filter).map(withQuality) };
  });

  app.get<{ Params: { id: string } }>('/api/tubes/:id', async (request) => {
    const id = parseId(request.params.id, 'tube id');
    const tube = getCuratedTube(db, id);
    if (!tube) throw new RequestError(404, `no tube ${id}`);
    const frames = readTubeFrames(db, id);
    const times = readTubeFrameTimes(db, id);
    const video = tube.videoId === null ? undefined : getVideo(db, tube.videoId);
    const format = keypointFormatFor(tube.keypointFormat, (frames[0]?.keypoints.length ?? 0) / 3);
    return {
      ...tube,
      quality: quality.of(tube, frames),
      video: video && { id: video.id, width: video.width, height: video.height, fps: video.fps, durationSec: video.durationSec, playback: browserPlayback(video) },
      format: { name: format.name, keypoints: format.keypoints, limbs: format.limbs },
      frames: frames.map((frame, row) => ({
        frameIndex: frame.frameIndex,
        // Without a decoded time (synthetic tubes) the frame's nominal time at the tube's rate.
        timeSec: times[row] ?? frame.frameIndex / tube.fps,
        filled: frame.detectionId === undefined,
        box: [frame.box.x, frame.box.y, frame.box.width, frame.box.height].map((v) => round(v, 1)),
        crop: [round(frame.crop.centerX, 1), round(frame.crop.centerY, 1), round(frame.crop.scale, 5)],
        keypoints: Array.from(frame.keypoints, (v, i) => round(v, i % 3 === 2 ? 3 : 1)),
      })),
    };
  });

  app.patch<{ Params: { id: string } }>('/api/tubes/:id', async (request) => {
    const id = parseId(request.params.id, 'tube id');
    if (context.readOnly) throw new RequestError(403, 'the server runs with --read-only; decisions cannot be stored');
    const change = parseCurationChange(request.body);
    if (curateTubes(db, [id], change).missing.length > 0) throw new RequestError(404, `no tube ${id}`);
    return withQuality(getCuratedTube(db, id)!);
  });
}
