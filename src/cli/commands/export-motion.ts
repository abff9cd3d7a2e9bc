import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { exportMotion, MOTION_FORMATS, type MotionFormat } from '../../motion/export-motion.js';
import { DEFAULT_ONE_EURO, DEFAULT_SAVGOL, type SmoothingOptions } from '../../motion/smoothing.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface ExportMotionArgs extends GlobalArgs {
  run?: number;
  tube?: number[];
  format: MotionFormat;
  out: string;
  smooth: 'none' | 'savgol' | 'one-euro';
  window: number;
  order: number;
  minCutoff: number;
  beta: number;
  derivativeCutoff: number;
  bodyModel?: string;
  focalLength?: number;
}

export const exportMotionCommand: CommandModule<GlobalArgs, ExportMotionArgs> = {
  command: 'export-motion',
  describe: 'write stored predictions as animation, one file per tube: BVH skeleton, skinned glTF (.glb) or SMPL parameters (.npz, VIBE keys)',
  builder: (yargs) =>
    yargs
      .option('run', { type: 'number', describe: 'prediction run id (hmmr predict prints it); default the latest' })
      .option('tube', { type: 'number', array: true, describe: 'only these tube ids; default every tube of the run' })
      .option('format', { type: 'string', choices: MOTION_FORMATS, demandOption: true, describe: 'bvh, glb or npz' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder (created); files are <tube id>-<tube name>.<format>' })
      .option('smooth', { type: 'string', choices: ['none', 'savgol', 'one-euro'] as const, default: 'none' as const, describe: 'temporal smoothing of joint rotations and root translation' })
      .option('window', { type: 'number', default: DEFAULT_SAVGOL.window, describe: 'savgol: window length in frames (odd)' })
      .option('order', { type: 'number', default: DEFAULT_SAVGOL.order, describe: 'savgol: polynomial order (< window)' })
      .option('min-cutoff', { type: 'number', default: DEFAULT_ONE_EURO.minCutoff, describe: 'one-euro: cutoff frequency at rest, Hz' })
      .option('beta', { type: 'number', default: DEFAULT_ONE_EURO.beta, describe: 'one-euro: cutoff increase per unit of speed (rad/s or m/s)' })
      .option('derivative-cutoff', { type: 'number', default: DEFAULT_ONE_EURO.derivativeCutoff, describe: 'one-euro: cutoff of the speed estimate, Hz' })
      .option('body-model', { type: 'string', describe: "bvh/glb: 'standin' or an SMPL .npz/.json; default the checkpoint's" })
      .option('focal-length', { type: 'number', describe: 'camera focal length in pixels for the root translation; default the frame diagonal' })
      .example('$0 export-motion --format glb --out motion', 'every tube of the latest prediction run as a skinned, animated .glb')
      .example('$0 export-motion --run 2 --tube 7 --format bvh --smooth one-euro --out motion', 'tube 7 as smoothed BVH') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const smoothing = smoothingOptions(args);
      if (args.focalLength !== undefined && !(args.focalLength > 0)) throw new UsageError(`--focal-length must be a positive number of pixels, got ${args.focalLength}`);
      const progress = ctx.progress('export-motion', undefined, 'tubes');
      const result = exportMotion({
        db: ctx.openDb(),
        dbPath: ctx.dbPath,
        runId: args.run,
        tubeIds: args.tube,
        format: args.format,
        outDir: args.out,
        smoothing,
        bodyModel: args.bodyModel,
        focalLength: args.focalLength,
        signal: ctx.signal,
        onTube: (_done, total) => {
          progress.setTotal(total);
          progress.tick();
        },
      });
      progress.done();
      if (!result.runComplete) ctx.log.warn(`prediction run ${result.runId} is incomplete (hmmr predict was interrupted); exporting the tubes it holds`);
      const frames = result.tubes.reduce((sum, tube) => sum + tube.frames, 0);
      return {
        summary: `${result.tubes.length} ${args.format} files (${frames} frames) from prediction run ${result.runId} in ${args.out}${smoothing.method === 'none' ? '' : `, smoothed (${smoothing.method})`}`,
        data: result,
        exitCode: ctx.signal.aborted ? ExitCode.interrupted : ExitCode.ok,
      };
    }),
};

function smoothingOptions(args: ExportMotionArgs): SmoothingOptions {
  if (args.smooth === 'savgol') {
    if (!Number.isInteger(args.window) || args.window < 3 || args.window % 2 === 0) throw new UsageError(`--window must be an odd number of frames ≥ 3, got ${args.window}`);
    if (!Number.isInteger(args.order) || args.order < 1 || args.order >= args.window) throw new UsageError(`--order must be an integer from 1 to window − 1, got ${args.order}`);
    return { method: 'savgol', window: args.window, order: args.order };
  }
  if (args.smooth === 'one-euro') {
    for (const [flag, value] of [['--min-cutoff', args.minCutoff], ['--derivative-cutoff', args.derivativeCutoff]] as const) {
      if (!(value > 0)) throw new UsageError(`${flag} must be a positive frequency in Hz, got ${value}`);
    }
    if (!(args.beta >= 0)) throw new UsageError(`--beta must be ≥ 0, got ${args.beta}`);
    return { method: 'one-euro', minCutoff: args.minCutoff, beta: args.beta, derivativeCutoff: args.derivativeCutoff };
  }
  return { method: 'none' };
}
