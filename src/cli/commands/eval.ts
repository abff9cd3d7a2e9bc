import type { CommandModule } from 'yargs';
import { findSmplFiles } from '../../body/smpl-files.js';
import { UsageError } from '../../errors.js';
import { evaluateFiles } from '../../eval/evaluate.js';
import { formatCheckpointEvaluation } from '../../eval/format-checkpoint-evaluation.js';
import { formatEvalReport } from '../../eval/format-report.js';
import { SHIPPED_CHECKPOINT, SHIPPED_CHECKPOINT_NAME } from '../../train/checkpoint.js';
import { backendOption } from '../backend-option.js';
import type { GlobalArgs } from '../global-options.js';
import { testTimeOptions, withTestTimeOptions, type TestTimeArgs } from '../test-time-options.js';
import { runCommand } from '../run-command.js';

interface EvalArgs extends GlobalArgs, TestTimeArgs {
  pred?: string;
  gt?: string;
  checkpoint?: string;
  split: 'train' | 'val' | 'test';
  prefix: string;
  backend?: string;
  dynamics: boolean;
  smpl?: string[];
}

export const evalCommand: CommandModule<GlobalArgs, EvalArgs> = {
  command: 'eval',
  describe: 'compare 3D predictions with ground truth: PCK, MPJPE, PA-MPJPE, acceleration; with --checkpoint also the single-frame dynamics table',
  builder: (yargs) =>
    withTestTimeOptions(yargs)
      .option('pred', { type: 'string', describe: 'predictions: eval file (.json or .npz), see docs/eval-format.md' })
      .option('gt', { type: 'string', describe: 'ground truth: eval file (.json or .npz), e.g. <out>/gt.json from hmmr synth' })
      .option('checkpoint', { type: 'string', conflicts: ['pred', 'gt'], defaultDescription: `${SHIPPED_CHECKPOINT_NAME} when no --pred/--gt`, describe: 'instead of files: predict the database\'s mocap3d tubes of --split with this checkpoint (or run folder) and score them against their stored ground truth' })
      .option('split', { type: 'string', choices: ['train', 'val', 'test'] as const, default: 'test' as const, describe: 'with --checkpoint: which tubes to evaluate' })
      .option('prefix', { type: 'string', default: '', describe: "with --checkpoint: only tubes whose name starts with this, e.g. '3dpw/' (one dataset of a split that mixes frame rates; same filter as export --format eval-gt --prefix)" })
      .option('backend', backendOption('with --checkpoint'))
      .option('smpl', { type: 'string', array: true, describe: "with --checkpoint: the SMPL model folder (or .pkl files) the ground truth was imported with (hmmr import 3dpw --smpl); adds PVE where the tubes have a ground-truth mesh, if the checkpoint predicts with an SMPL-topology body model" })
      .option('dynamics', { type: 'boolean', default: true, describe: 'with --checkpoint: also past/current/future PA-MPJPE from single frames vs the constant baseline (--no-dynamics skips it)' })
      .example('$0 eval --pred pred.json --gt synth/gt.json', 'print the metric table')
      .example('$0 eval --checkpoint runs/cpu1 --split test', 'predict and score every test tube with 3D ground truth, plus the dynamics table')
      .example('$0 eval --checkpoint runs/cpu1 --split test --prefix 3dpw/', "score only the imported 3DPW test tubes")
      .example('$0 eval --checkpoint runs/smpl --split test --prefix 3dpw/ --smpl ~/smpl/models', 'with PVE on 3DPW imported with --smpl (the checkpoint must predict SMPL meshes)')
      .example('$0 eval --pred pred.json --gt synth/gt.json --json', 'the same table as JSON') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const usesFiles = args.pred !== undefined || args.gt !== undefined;
      if (args.checkpoint !== undefined || !usesFiles) {
        // Flags are checked before the database is opened (and created): a usage error stores nothing.
        const testTime = testTimeOptions(args);
        const { evaluateCheckpoint } = await import('../../eval/evaluate-checkpoint.js');
        const evaluation = await evaluateCheckpoint(ctx.openDb(), ctx.dbPath, args.checkpoint ?? SHIPPED_CHECKPOINT, args.split, {
          backend: args.backend,
          dynamics: args.dynamics,
          namePrefix: args.prefix,
          ...testTime,
          smpl: args.smpl === undefined ? undefined : findSmplFiles(args.smpl),
          signal: ctx.signal,
          onStage: (message) => ctx.log.info(message),
        });
        return { summary: formatCheckpointEvaluation(evaluation), data: evaluation };
      }
      if (args.smpl !== undefined) throw new UsageError('--smpl (PVE) needs --checkpoint: eval files hold joints, not meshes');
      if (args.pred === undefined || args.gt === undefined) throw new UsageError('give both --pred and --gt (eval files), or neither (predict the database\'s tubes with --checkpoint, default the shipped one)');
      const report = evaluateFiles(args.pred, args.gt);
      return { summary: `pred ${args.pred}\ngt   ${args.gt}\n${formatEvalReport(report)}`, data: report };
    }),
};
