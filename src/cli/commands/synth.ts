import type { CommandModule } from 'yargs';
import { COCO18_NAMES } from '../../body/joint-sets.js';
import { loadBodyModelFile, STANDIN_BODY_MODEL_PATH } from '../../body/load.js';
import { UsageError } from '../../errors.js';
import { planSyntheticSet, type SynthTier } from '../../synth/generate.js';
import { MOTION_NAMES, type MotionName } from '../../synth/motions.js';
import { backendOption } from '../backend-option.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface SynthArgs extends GlobalArgs {
  out: string;
  sequences: number;
  frames: number;
  seed: number;
  fps: number;
  testFraction: number;
  bodyModel: string;
  backend: string | undefined;
  motions: MotionName[] | undefined;
  tier: SynthTier;
  trainViews: number;
}

export const synthCommand: CommandModule<GlobalArgs, SynthArgs> = {
  command: 'synth',
  describe: 'generate synthetic tubes with 3D ground truth (db; MoCap tier unless --tier pseudo2d) and a ground-truth eval file (<out>/gt.json)',
  builder: (yargs) =>
    yargs
      .option('out', { type: 'string', demandOption: true, describe: 'folder for gt.json (test split) and gt-train.json' })
      .option('sequences', { type: 'number', default: 20, describe: 'number of sequences (motions rotate: walk, run, jumping jacks, squat, arm swings, golf swing, turning)' })
      .option('frames', { type: 'number', default: 100, describe: 'frames per sequence' })
      .option('seed', { type: 'number', default: 0, describe: 'random seed; the same seed gives the same data, and replaces that seed\'s earlier tubes' })
      .option('fps', { type: 'number', default: 25, describe: 'frame rate of the generated sequences' })
      .option('test-fraction', { type: 'number', default: 0.2, describe: 'fraction of sequences in the test split' })
      .option('motions', { type: 'string', array: true, choices: MOTION_NAMES, describe: 'only these motions (default: all); e.g. hold motion families out of the 3D tier' })
      .option('train-views', { type: 'number', default: 1, describe: 'viewpoints per train-split motion, 360°/N apart (like a MoCap studio\'s cameras; test sequences keep one view)' })
      .option('tier', { type: 'string', choices: ['mocap3d', 'pseudo2d', 'pose-bank'], default: 'mocap3d', describe: 'store the tubes as 3D-supervised MoCap (mocap3d), as 2D-only tubes like labelled video (pseudo2d; ground truth kept for scoring only), or only their poses in the pose bank (pose-bank: unpaired MoCap for the adversarial prior; every split)' })
      .option('body-model', { type: 'string', default: STANDIN_BODY_MODEL_PATH, defaultDescription: 'hmmr\'s stand-in body model', describe: 'SMPL-layout body model file (.npz or .json)' })
      .option('backend', backendOption())
      .example('$0 synth --out synth --sequences 40 --seed 1', '40 sequences into the db and synth/gt.json')
      .example('$0 synth --out golf2d --seed 7 --motions golf-swing squat --tier pseudo2d --test-fraction 0', 'golf swings and squats as 2D-only tubes')
      .example('$0 synth --out synth --sequences 40 --train-views 4', 'every train motion from 4 viewpoints 90° apart')
      .example('$0 synth --out synth --frames 200 --fps 30 --test-fraction 0.5', 'longer 30-fps sequences, half held out') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const options = {
        sequences: integerAtLeast(args.sequences, '--sequences'),
        // Acceleration needs three frames.
        frames: integerAtLeast(args.frames, '--frames', 3),
        seed: integerAtLeast(args.seed, '--seed', 0),
        fps: args.fps,
        testFraction: args.testFraction,
        detectorFormat: { name: 'coco18', keypoints: COCO18_NAMES },
        motions: args.motions,
        tier: args.tier,
        trainViews: integerAtLeast(args.trainViews, '--train-views'),
      };
      if (!(options.fps > 0)) throw new UsageError('--fps must be a positive number');
      if (!(options.testFraction >= 0 && options.testFraction <= 1)) throw new UsageError('--test-fraction must be between 0 and 1');
      const [{ initBackend }, { LbsBodyModel }, { runSynth }] = await Promise.all([import('../../tf/backend.js'), import('../../body/lbs.js'), import('../../synth/run-synth.js')]);
      const backend = await initBackend(args.backend);
      ctx.log.verbose(`tfjs backend: ${backend.description}`);
      const body = new LbsBodyModel(loadBodyModelFile(args.bodyModel));
      const progress = ctx.progress('synth', planSyntheticSet(options).length, 'sequences');
      const summary = await runSynth(ctx.openDb(), body, args.out, options, { onSequence: () => progress.tick(), signal: ctx.signal });
      progress.done();
      const counted = `${summary.sequences.length} sequences × ${options.frames} frames`;
      if (options.tier === 'pose-bank') return { summary: `${counted} stored as pose-bank clips in ${ctx.dbPath}`, data: summary };
      const splits = (['train', 'test'] as const).map((split) => `${summary.sequences.filter((s) => s.split === split).length} ${split}`);
      const files = Object.values(summary.gtFiles).join(', ');
      return {
        summary: `${counted} (${splits.join(', ')}) stored as ${options.tier} tubes in ${ctx.dbPath}; ground truth: ${files}`,
        data: summary,
      };
    }),
};

function integerAtLeast(value: number, flag: string, minimum = 1): number {
  if (!Number.isInteger(value) || value < minimum) throw new UsageError(`${flag} must be an integer ≥ ${minimum}, got ${value}`);
  return value;
}
