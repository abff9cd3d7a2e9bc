import type { CommandModule } from 'yargs';
import { evaluateFiles } from '../../eval/evaluate.js';
import { formatEvalReport } from '../../eval/format-report.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface EvalArgs extends GlobalArgs {
  pred: string;
  gt: string;
}

// The checkpoint mode (`--checkpoint <dir> [--split test]`) will sit beside --pred: it builds the
// prediction set from the checkpoint and the ground truth from the database, then calls
// evaluatePredictions (src/eval/evaluate.ts) exactly as the file mode does.
export const evalCommand: CommandModule<GlobalArgs, EvalArgs> = {
  command: 'eval',
  describe: 'compare 3D predictions with ground truth: PCK, MPJPE, PA-MPJPE, acceleration (docs/eval-format.md)',
  builder: (yargs) =>
    yargs
      .option('pred', { type: 'string', demandOption: true, describe: 'predictions: eval file (.json or .npz), see docs/eval-format.md' })
      .option('gt', { type: 'string', demandOption: true, describe: 'ground truth: eval file (.json or .npz), e.g. <out>/gt.json from hmmr synth' })
      .example('$0 eval --pred pred.json --gt synth/gt.json', 'print the metric table')
      .example('$0 eval --pred pred.json --gt synth/gt.json --json', 'the same table as JSON') as never,
  handler: (args) =>
    runCommand(args, async () => {
      const report = evaluateFiles(args.pred, args.gt);
      return { summary: `pred ${args.pred}\ngt   ${args.gt}\n${formatEvalReport(report)}`, data: report };
    }),
};
