import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { listLabelRuns } from '../../store/detections.js';
import { requireVideo } from '../select-videos.js';
import { DEFAULT_TRACK_VIDEO_OPTIONS, trackLabelRun, type TrackVideoResult } from '../../tracker/track-video.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface TrackArgs extends GlobalArgs {
  video: string | undefined;
  minHits: number;
  maxGap: number;
  minTube: number;
  maxTube: number;
  gate: number;
  minParts: number;
  minScore: number;
}

export const trackCommand: CommandModule<GlobalArgs, TrackArgs> = {
  command: 'track',
  describe: 'link stored detections into person tracks and training tubes again (no detection is re-run)',
  builder: (yargs) =>
    yargs
      .option('video', { type: 'string', describe: 'only this video (id or path); default: every video with a finished label run' })
      .option('min-hits', { type: 'number', default: DEFAULT_TRACK_VIDEO_OPTIONS.minHits, describe: 'consecutive detections before a track is confirmed' })
      .option('max-gap', { type: 'number', default: DEFAULT_TRACK_VIDEO_OPTIONS.maxGap, describe: 'gap a track survives, in frames of the video (the same time at any label --fps)' })
      .option('min-tube', { type: 'number', default: DEFAULT_TRACK_VIDEO_OPTIONS.minTubeFrames, describe: 'shortest tube kept, in frames of the video (a tube labelled at a lower --fps has fewer)' })
      .option('max-tube', { type: 'number', default: DEFAULT_TRACK_VIDEO_OPTIONS.maxTubeFrames, describe: 'longer tubes are split into parts of at most this many frames of the video' })
      .option('gate', { type: 'number', default: DEFAULT_TRACK_VIDEO_OPTIONS.gate, describe: 'largest link cost (0.5·(1−OKS) + 0.5·(1−IoU)) ever linked' })
      .option('min-parts', { type: 'number', default: DEFAULT_TRACK_VIDEO_OPTIONS.minParts, describe: 'detections with fewer keypoints are ignored' })
      .option('min-score', { type: 'number', default: DEFAULT_TRACK_VIDEO_OPTIONS.minScore, describe: 'detections scoring lower are ignored' })
      .example('$0 track', 'track every labelled video again with the defaults')
      .example('$0 track --video clip.mp4 --max-gap 20 --min-tube 25', 'one video, bridging longer gaps, keeping shorter tubes') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      for (const [flag, value, minimum] of [['--min-hits', args.minHits, 1], ['--max-gap', args.maxGap, 0], ['--min-tube', args.minTube, 1], ['--max-tube', args.maxTube, 1], ['--min-parts', args.minParts, 0]] as const) {
        if (!Number.isInteger(value) || value < minimum) throw new UsageError(`${flag} must be an integer ≥ ${minimum}, got ${value}`);
      }
      if (!(args.gate > 0)) throw new UsageError(`--gate must be a positive number, got ${args.gate}`);
      const db = ctx.openDb();
      const videoId = args.video === undefined ? undefined : requireVideo(db, args.video).id;
      // The newest finished label run of each video.
      const runs = new Map<number, number>();
      for (const run of listLabelRuns(db, { status: 'done', ...(videoId !== undefined ? { videoId } : {}) })) {
        if (!runs.has(run.videoId)) runs.set(run.videoId, run.id);
      }
      if (runs.size === 0) throw new UsageError(`no finished label run${args.video ? ` for ${args.video}` : ''}; run hmmr label first`);
      const options = {
        minHits: args.minHits,
        maxGap: args.maxGap,
        minTubeFrames: args.minTube,
        maxTubeFrames: args.maxTube,
        gate: args.gate,
        minParts: args.minParts,
        minScore: args.minScore,
      };
      const results: TrackVideoResult[] = [];
      for (const labelRunId of runs.values()) {
        const result = trackLabelRun(db, labelRunId, options);
        ctx.log.verbose(`label run ${labelRunId}: ${result.tracks} tracks, shot cuts at ${result.shotStarts.join(', ') || 'none'}`);
        results.push(result);
      }
      return { summary: results.map(describeTracking).join('\n'), data: { videos: results } };
    }),
};

export function describeTracking(result: TrackVideoResult): string {
  const lengths = result.tubes.map((tube) => tube.frameCount).sort((a, b) => b - a);
  const cuts = result.shotStarts.length > 0 ? `, ${result.shotStarts.length} shot cuts` : '';
  const kept = result.tubes.filter((tube) => tube.kept).length;
  const unchanged = kept > 0 ? `, ${kept} unchanged (ids kept)` : '';
  const noCutSignal = result.sceneCutSignal || result.frames === 0 ? '' : '\n  note: these detections carry no scene-cut signal (imported): shot changes are not detected, so a track may run across a cut';
  return `video ${result.videoId}: ${result.frames} frames, ${result.detections} detections, ${result.tracks} tracks${cuts} → ${result.tubes.length} tubes${lengths.length > 0 ? ` (${lengths.join(', ')} frames)` : ''}${unchanged}${noCutSignal}`;
}
