import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { SUPPORTED_EVAL_JOINT_SETS, type EvalJointSet } from '../../eval/eval-set.js';
import { exportGroundTruth } from '../../eval/export-ground-truth.js';
import { exportOpenPose } from '../../pipeline/export-openpose.js';
import type { Db } from '../../store/database.js';
import { writeTrackedExports, type TrackedExportFormat } from '../../tracker/export-tracks.js';
import type { TubeSplit } from '../../store/tubes.js';
import type { VideoRecord } from '../../store/videos.js';
import { selectVideos } from '../select-videos.js';
import type { Logger } from '../../util/log.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface ExportArgs extends GlobalArgs {
  format: string;
  out: string;
  video?: string;
  split: TubeSplit;
  prefix: string;
  joints: EvalJointSet;
}

/** What every export format receives: the selected videos and the output folder (eval-gt: file). */
export interface ExportRequest {
  db: Db;
  dbPath: string;
  videos: readonly VideoRecord[];
  outDir: string;
  log: Logger;
  /** eval-gt: which tubes. */
  split: TubeSplit;
  namePrefix: string;
  /** eval-gt: lsp14, or h36m17 (Human3.6M tubes, protocols 1 and 2). */
  jointSet: EvalJointSet;
}

export interface ExportOutcome {
  summary: string;
  data: object;
}

/** Export formats by --format name. Add a format with one entry here. */
const EXPORT_FORMATS: Record<string, { describe: string; write: (request: ExportRequest) => ExportOutcome | Promise<ExportOutcome> }> = {
  openpose: {
    describe: 'OpenPose --write_json files, one per labelled frame: <video>_<frame>_keypoints.json (original pixels)',
    write: ({ db, videos, outDir, log }) => {
      const result = exportOpenPose(db, videos, outDir);
      for (const video of result.videos) if (video.labelRunId === null) log.warn(`${video.path}: not labelled yet (run hmmr label); nothing exported`);
      return { summary: `${result.files} OpenPose JSON files for ${result.videos.filter((v) => v.files > 0).length} videos in ${outDir}`, data: result };
    },
  },
  coco: trackedFormat('COCO keypoints JSON per video: <video>.coco.json (17 COCO points, track_id where tracked)', 'coco'),
  posetrack: trackedFormat('PoseTrack 2018 JSON per video: <video>.posetrack.json (tracked people)', 'posetrack'),
  json: trackedFormat('hmmr tube JSON per video: <video>.tubes.json (keypoints, smoothed boxes, crop parameters; docs/formats.md)', 'json'),
  'eval-gt': {
    describe: 'the stored 3D ground truth of --split (mocap3d tubes named --prefix*) as ONE eval file, --out gt.json or gt.npz (docs/eval-format.md)',
    write: ({ db, dbPath, outDir, log, split, namePrefix, jointSet }) => {
      const result = exportGroundTruth(db, dbPath, outDir, split, namePrefix, jointSet);
      if (result.caveat) log.warn(result.caveat);
      return { summary: `${result.sequences} ${split} sequences, ${result.frames} frames of ground truth in ${outDir}`, data: result };
    },
  },
};

function trackedFormat(describe: string, format: TrackedExportFormat): (typeof EXPORT_FORMATS)[string] {
  return {
    describe,
    write: ({ db, videos, outDir, log }) => {
      const result = writeTrackedExports(db, videos, outDir, format);
      for (const video of result.videos) if (video.skipped) log.warn(`${video.path}: ${video.skipped}; nothing exported`);
      return { summary: `${result.files} ${format} files in ${outDir}`, data: result };
    },
  };
}

export const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export',
  describe: 'write stored results in another tool\'s format',
  builder: (yargs) =>
    yargs
      .option('format', { type: 'string', choices: Object.keys(EXPORT_FORMATS), demandOption: true, describe: Object.entries(EXPORT_FORMATS).map(([name, f]) => `${name}: ${f.describe}`).join('; ') })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder (created if needed)' })
      .option('video', { type: 'string', describe: 'only this video: its id or path (default: every ingested video)' })
      .option('split', { type: 'string', choices: ['train', 'val', 'test'] as const, default: 'test' as const, describe: 'eval-gt: which split' })
      .option('prefix', { type: 'string', default: '', describe: "eval-gt: only tubes whose name starts with this, e.g. '3dpw/' (a split mixing datasets of different fps cannot be one file)" })
      .option('joints', { type: 'string', choices: SUPPORTED_EVAL_JOINT_SETS, default: 'lsp14' as const, describe: "eval-gt: lsp14 (every MoCap tube), or h36m17: Human3.6M's 17 joints (VideoPose3D imports), scored as protocols 1 and 2" })
      .example('$0 export --format openpose --out ./openpose-json', 'every labelled video as OpenPose JSON')
      .example('$0 export --format eval-gt --split test --prefix 3dpw/ --out gt.json', "3DPW's imported test ground truth, to score any tool's predictions with hmmr eval")
      .example('$0 export --format eval-gt --split test --prefix h36m/ --joints h36m17 --out gt-h36m.json', 'Human3.6M S9/S11 on its 17 joints (protocols 1 and 2)') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const format = EXPORT_FORMATS[args.format];
      if (!format) throw new UsageError(`unknown export format "${args.format}"`);
      const db = ctx.openDb();
      const videos = args.format === 'eval-gt' ? [] : selectVideos(db, args.video);
      return format.write({ db, dbPath: ctx.dbPath, videos, outDir: resolve(args.out), log: ctx.log, split: args.split, namePrefix: args.prefix, jointSet: args.joints });
    }),
};
