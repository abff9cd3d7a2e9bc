import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { renderVideo } from '../../render/render-video.js';
import { requireVideo } from '../select-videos.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface RenderArgs extends GlobalArgs {
  video: string;
  out: string;
  height: number | undefined;
  predicted?: string;
}

export const renderCommand: CommandModule<GlobalArgs, RenderArgs> = {
  command: 'render <video>',
  describe: 'write the video with its detected skeletons, tube boxes and track ids drawn on it (MP4, H.264)',
  builder: (yargs) =>
    yargs
      .positional('video', { type: 'string', demandOption: true, describe: 'an ingested video (id or path)' })
      .option('out', { type: 'string', demandOption: true, describe: 'output .mp4 file' })
      .option('height', { type: 'number', describe: 'output height in pixels (aspect kept); default: the video\'s own size' })
      .option('predicted', { type: 'string', describe: "also draw the predicted 3D skeletons (white) of a prediction run: its id, or 'latest' (the flag alone)" })
      .example('$0 render clip.mp4 --out overlay.mp4', 'draw the tracks of clip.mp4')
      .example('$0 render clip.mp4 --out overlay.mp4 --predicted', 'and the latest prediction run\'s skeletons, projected through each frame\'s camera') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      if (args.height !== undefined && !(Number.isInteger(args.height) && args.height >= 16)) {
        throw new UsageError(`--height must be an integer ≥ 16, got ${args.height}`);
      }
      const predictionRun = args.predicted === undefined ? undefined : args.predicted === '' || args.predicted === 'latest' ? ('latest' as const) : Number(args.predicted);
      if (typeof predictionRun === 'number' && !Number.isInteger(predictionRun)) throw new UsageError(`--predicted takes a prediction run id or 'latest', got '${args.predicted}'`);
      const db = ctx.openDb();
      const video = requireVideo(db, args.video);
      const progress = ctx.progress('render', video.frameCount, 'frames');
      const result = await renderVideo(db, video, args.out, {
        ...(args.height !== undefined ? { height: args.height } : {}),
        ...(predictionRun !== undefined ? { predictionRun } : {}),
        signal: ctx.signal,
        onFrame: () => progress.tick(),
      });
      progress.done();
      return {
        summary: `${args.out}: ${result.frames} frames, ${result.tubes} tubes drawn (label run ${result.labelRunId})${result.predictedTubes !== undefined ? `, ${result.predictedTubes} with predicted skeletons` : ''}`,
        data: { out: args.out, ...result },
      };
    }),
};
