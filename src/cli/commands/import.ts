import type { CommandModule } from 'yargs';
import { DEFAULT_POSE_BANK_FPS } from '../../datasets/amass.js';
import { importDataset, type DatasetImportResult } from '../../datasets/dataset-format.js';
import { DATASET_FORMATS } from '../../datasets/formats.js';
import { UsageError } from '../../errors.js';
import type { TubeSplit } from '../../store/tubes.js';
import { importOpenPoseFolder } from '../../tracker/import-openpose.js';
import { trackLabelRun } from '../../tracker/track-video.js';
import { readH36mRegressor } from '../../body/h36m-regressor.js';
import { findSmplFiles } from '../../body/smpl-files.js';
import type { ThreeDpwSmpl } from '../../datasets/threedpw-smpl.js';
import { ExitCode } from '../exit-codes.js';
import { backendOption } from '../backend-option.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand, type CommandContext, type CommandResult } from '../run-command.js';
import { requireVideo } from '../select-videos.js';
import { describeTracking } from './track.js';

interface ImportArgs extends GlobalArgs {
  kind: string;
  dir: string;
  video?: string;
  split?: TubeSplit;
  cameras?: string;
  detector: string;
  fps: number;
  smpl?: string[];
  jointRegressor?: string;
  backend?: string;
}

const DATASET_HELP = '3dpw: sequenceFiles/<split>/*.pkl → mocap3d tubes; h36m: VideoPose3D or SPIN npz → mocap3d; pennaction: labels/*.mat → human2d; posetrack: PoseTrack 2018 JSON → human2d; amass: *_poses.npz → the pose bank (docs/datasets.md)';

export const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import <kind> <dir>',
  describe: 'store 2D detections made elsewhere (openpose), or a public dataset as tubes with its ground truth',
  builder: (yargs) =>
    yargs
      .positional('kind', { choices: ['openpose', ...Object.keys(DATASET_FORMATS)], demandOption: true, describe: `openpose: a folder of OpenPose --write_json files (COCO-18 or BODY_25); ${DATASET_HELP}` })
      .positional('dir', { type: 'string', demandOption: true, describe: 'openpose: folder of <name>_<12-digit frame>_keypoints.json files; a dataset: its folder, or one of its files' })
      .option('video', { type: 'string', describe: 'openpose: the ingested video the files belong to (id or path)' })
      .option('split', { type: 'string', choices: ['train', 'val', 'test'] as const, describe: 'datasets: only this split (3DPW validation = val)' })
      .option('cameras', { type: 'string', describe: 'h36m (VideoPose3D): camera extrinsics JSON (docs/datasets.md; default <dir>/cameras.json)' })
      .option('detector', { type: 'string', default: 'gt', describe: 'h36m (VideoPose3D): 2D source, read from data_2d_h36m_<detector>.npz' })
      .option('fps', { type: 'number', default: DEFAULT_POSE_BANK_FPS, describe: 'amass: pose-bank rate the clips are resampled to' })
      .option('smpl', { type: 'string', array: true, describe: "3dpw: the SMPL model folder (or the .pkl files, official names: basicModel_{m,f,neutral}_lbs_10_207_0_v1.0.0.pkl); each actor's mesh comes from their gender's model, for PVE in hmmr eval" })
      .option('joint-regressor', { type: 'string', describe: '3dpw with --smpl: J_regressor_h36m.npy; the 14 evaluation joints are regressed from the gendered mesh (the published protocol) instead of picked from jointPositions' })
      .option('backend', backendOption('3dpw with --smpl, to pose the meshes'))
      .example('$0 import openpose ./json --video clip.mp4', 'import OpenPose output for clip.mp4 and build its tubes')
      .example('$0 import 3dpw ~/data/3DPW --split test', "3DPW's test sequences as mocap3d tubes with camera-frame ground truth")
      .example('$0 import 3dpw ~/data/3DPW --split test --smpl ~/smpl/models --joint-regressor ~/data/J_regressor_h36m.npy', "3DPW's published protocol: joints regressed from each actor's gendered SMPL mesh") as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      if (args.kind === 'openpose') return importOpenPose(ctx, args);
      const format = DATASET_FORMATS[args.kind];
      if (!format) throw new UsageError(`unknown import kind '${args.kind}'`);
      if (!(args.fps > 0)) throw new UsageError('--fps must be a positive number');
      const smpl = await threeDpwSmplOf(args);
      try {
        const options = { split: args.split, cameras: args.cameras, detector: args.detector, fps: args.fps, smpl };
        const progress = ctx.progress(`import ${format.name}`, undefined, 'files');
        const result = await importDataset(ctx.openDb(), format, args.dir, options, { onFile: () => progress.tick(), signal: ctx.signal });
        progress.done();
        for (const failure of result.failures) ctx.log.warn(failure.error);
        for (const note of result.notes) ctx.log.warn(note);
        const caveat = format.caveat?.(options);
        return { summary: describeDatasetImport(result, format.tier, caveat), data: { ...result, caveat: caveat ?? null }, exitCode: result.failures.length > 0 ? ExitCode.partial : ExitCode.ok };
      } finally {
        smpl?.dispose();
      }
    }),
};

/** --smpl / --joint-regressor (3DPW only): the models, on a started backend; undefined without --smpl. */
async function threeDpwSmplOf(args: ImportArgs): Promise<ThreeDpwSmpl | undefined> {
  if (args.smpl === undefined) {
    if (args.jointRegressor !== undefined) throw new UsageError('--joint-regressor needs --smpl: the joints are regressed from the SMPL mesh');
    return undefined;
  }
  if (args.kind !== '3dpw') throw new UsageError(`--smpl applies to 3dpw imports, not ${args.kind}`);
  const files = findSmplFiles(args.smpl);
  const regressor = args.jointRegressor === undefined ? undefined : readH36mRegressor(args.jointRegressor);
  const [{ initBackend }, { ThreeDpwSmpl }] = await Promise.all([import('../../tf/backend.js'), import('../../datasets/threedpw-smpl.js')]);
  await initBackend(args.backend);
  const smpl = new ThreeDpwSmpl(files, regressor);
  try {
    smpl.checkRegressorFits();
  } catch (error) {
    smpl.dispose();
    throw error;
  }
  return smpl;
}

async function importOpenPose(ctx: CommandContext, args: ImportArgs): Promise<CommandResult> {
  if (args.video === undefined) throw new UsageError('import openpose needs --video <ingested video>');
  const db = ctx.openDb();
  const video = requireVideo(db, args.video);
  const imported = importOpenPoseFolder(db, args.dir, video);
  const tracking = trackLabelRun(db, imported.labelRunId);
  const what = imported.created ? 'imported' : 'already imported as';
  return {
    summary: `${what} label run ${imported.labelRunId}: ${imported.frames} frames, ${imported.detections} ${imported.keypointFormat} detections\n${describeTracking(tracking)}`,
    data: { ...imported, tracking },
  };
}

function describeDatasetImport(result: DatasetImportResult, tier: string, caveat: string | undefined): string {
  const bySplit = new Map<string, { sequences: number; tubes: number; frames: number }>();
  for (const sequence of result.sequences) {
    const total = bySplit.get(sequence.split) ?? { sequences: 0, tubes: 0, frames: 0 };
    total.sequences++;
    total.tubes += sequence.tubes;
    total.frames += sequence.frames;
    bySplit.set(sequence.split, total);
  }
  const lines = [...bySplit].map(([split, t]) =>
    tier === 'pose-bank' ? `${t.sequences} clips, ${t.frames} poses in the pose bank` : `${split}: ${t.sequences} sequences, ${t.tubes} ${tier} tubes, ${t.frames} frames`,
  );
  if (lines.length === 0) lines.push('nothing imported');
  if (result.failures.length > 0) lines.push(`${result.failures.length} file(s) failed and were not imported (see above)`);
  if (caveat && result.sequences.length > 0) lines.push(caveat);
  return `${result.dataset}: ${lines.join('\n')}`;
}
