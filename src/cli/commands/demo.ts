import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { formatDemoResult } from '../../demo/format-demo.js';
import { DEMO_CLIP, DEMO_DEFAULTS } from '../../demo/demo-defaults.js';
import { SHIPPED_CHECKPOINT_NAME } from '../../train/checkpoint.js';
import { POSE_QUALITIES, type PoseQuality } from '../../pose2d/model-files.js';
import { CONFIG_PRESETS } from '../../train/config.js';
import { backendOption } from '../backend-option.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface DemoArgs extends GlobalArgs {
  out: string;
  steps: number;
  fps?: number;
  sequences: number;
  frames: number;
  seed: number;
  config?: string;
  init: string;
  fromScratch: boolean;
  clip: string;
  backend?: string;
  quality: PoseQuality;
  refinePose: boolean;
}

export const demoCommand: CommandModule<GlobalArgs, DemoArgs> = {
  command: 'demo',
  describe: 'the whole pipeline on the shipped clip in one folder: ingest → label → tubes → synthetic 3D data → train → eval (+ dynamics) → 2D/3D overlay video (re-run to resume)',
  builder: (yargs) =>
    yargs
      .option('out', { type: 'string', default: DEMO_DEFAULTS.outDir, describe: 'folder for everything: hmmr.db, synth/, run/ (checkpoints, metrics.jsonl), eval-report.json, overlay.mp4 (--db is not used)' })
      .option('steps', { type: 'number', default: DEMO_DEFAULTS.steps, describe: 'training steps (a re-run with more steps resumes the same run)' })
      .option('fps', { type: 'number', describe: 'label at most this many frames per second (default: every frame)' })
      .option('sequences', { type: 'number', default: DEMO_DEFAULTS.sequences, describe: 'synthetic MoCap sequences with 3D ground truth (a quarter held out for testing)' })
      .option('frames', { type: 'number', default: DEMO_DEFAULTS.frames, describe: 'frames per synthetic sequence (at least 11 for the ±5-frame dynamics table)' })
      .option('seed', { type: 'number', default: DEMO_DEFAULTS.seed, describe: 'seed for the synthetic data and the training run' })
      .option('init', { type: 'string', default: DEMO_DEFAULTS.init, defaultDescription: SHIPPED_CHECKPOINT_NAME, describe: 'checkpoint the demo fine-tunes (the shipped one was trained on synthetic data by scripts/train-embedded.sh)' })
      .option('from-scratch', { type: 'boolean', default: false, describe: 'train --config from random weights instead of fine-tuning --init' })
      .option('config', { type: 'string', defaultDescription: `the --init checkpoint's; ${DEMO_DEFAULTS.scratchConfig} with --from-scratch`, describe: `training preset (${Object.keys(CONFIG_PRESETS).join(', ')}) or JSON config` })
      .option('clip', { type: 'string', default: DEMO_CLIP, defaultDescription: 'the shipped table-tennis clip', describe: 'the video to label and render' })
      .option('quality', { type: 'string', choices: POSE_QUALITIES, default: DEMO_DEFAULTS.quality, describe: 'the shipped pose model that labels the clip: fast, or accurate (~3× the labelling time, more keypoints on hard poses)' })
      .option('refine-pose', { type: 'boolean', default: true, describe: "fit the overlay's 3D to the clip's 2D keypoints near the network's pose (hmmr predict --refine-pose); --no-refine-pose shows the network's own output. The evaluation is never fitted" })
      .option('backend', backendOption())
      .example('$0 demo', 'everything in ./hmmr-demo, a few minutes on a laptop CPU')
      .example('$0 demo --out /tmp/d --steps 10 --fps 8', 'a quick smoke run')
      .example('$0 demo --from-scratch --steps 400', 'train the cpu preset from random weights instead of fine-tuning') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const positive = (value: number, flag: string, minimum = 1) => {
        if (!Number.isInteger(value) || value < minimum) throw new UsageError(`${flag} must be an integer ≥ ${minimum}, got ${value}`);
      };
      positive(args.steps, '--steps');
      positive(args.sequences, '--sequences', 2);
      positive(args.frames, '--frames', 11);
      positive(args.seed, '--seed', 0);
      if (args.fps !== undefined && !(args.fps > 0)) throw new UsageError('--fps must be positive');
      const { runDemo } = await import('../../demo/run-demo.js');
      const result = await runDemo(
        {
          outDir: args.out,
          clip: args.clip,
          steps: args.steps,
          ...(args.fps !== undefined ? { labelFps: args.fps } : {}),
          sequences: args.sequences,
          frames: args.frames,
          seed: args.seed,
          ...(args.config !== undefined ? { config: args.config } : {}),
          ...(args.fromScratch ? {} : { init: args.init }),
          quality: args.quality,
          refinePose: args.refinePose,
          ...(args.backend !== undefined ? { backend: args.backend } : {}),
        },
        ctx,
      );
      return { summary: formatDemoResult(result), data: result };
    }),
};
