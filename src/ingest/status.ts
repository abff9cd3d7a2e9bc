import type { Db } from '../store/database.js';
import { aliasesOf, latestLabelStatus, listIngestFailures, listVideos, tubeCountsByVideo } from '../store/videos.js';

/** partial: labelled up to where the file is damaged (the error says where). */
export type VideoStage = 'ingested' | 'labelling' | 'labelled' | 'partial' | 'failed';

/** One row of `hmmr status --json`; the first ten names are a published interface. */
export interface VideoStatus {
  id: number | null;
  path: string;
  sha256: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  frameCount: number | null;
  durationSec: number | null;
  status: VideoStage;
  error: string | null;
  codec: string | null;
  container: string | null;
  frameCountExact: boolean | null;
  aliases: string[];
  tubes: number;
}

export interface StatusReport {
  videos: VideoStatus[];
  totals: Record<VideoStage, number> & { videos: number; frames: number; durationSec: number; tubes: number };
}

const LABEL_STAGE: Record<string, VideoStage> = { running: 'labelling', done: 'labelled', failed: 'failed' };

/** Every registered video with its stage, plus every path that failed ingest. */
export function collectStatus(db: Db): StatusReport {
  const labels = latestLabelStatus(db);
  const tubes = tubeCountsByVideo(db);
  const videos: VideoStatus[] = listVideos(db).map((video) => {
    const label = labels.get(video.id);
    return {
      id: video.id,
      path: video.path,
      sha256: video.sha256,
      width: video.width,
      height: video.height,
      fps: video.fps,
      frameCount: video.frameCount,
      durationSec: video.durationSec,
      status: label ? (label.partial ? 'partial' : (LABEL_STAGE[label.status] ?? 'ingested')) : 'ingested',
      error: label?.error ?? null,
      codec: video.codec,
      container: video.container,
      frameCountExact: video.frameCountExact,
      aliases: aliasesOf(db, video.id),
      tubes: tubes.get(video.id) ?? 0,
    };
  });
  for (const failure of listIngestFailures(db)) {
    videos.push({
      id: null, path: failure.path, sha256: null, width: null, height: null, fps: null, frameCount: null, durationSec: null,
      status: 'failed', error: failure.error, codec: null, container: null, frameCountExact: null, aliases: [], tubes: 0,
    });
  }
  const totals = { videos: 0, frames: 0, durationSec: 0, tubes: 0, ingested: 0, labelling: 0, labelled: 0, partial: 0, failed: 0 };
  for (const video of videos) {
    totals[video.status]++;
    if (video.id === null) continue;
    totals.videos++;
    totals.frames += video.frameCount ?? 0;
    totals.durationSec += video.durationSec ?? 0;
    totals.tubes += video.tubes;
  }
  return { videos, totals };
}
