import type { CommandModule } from 'yargs';
import { SHIPPED_CHECKPOINT, SHIPPED_CHECKPOINT_NAME } from '../../train/checkpoint.js';
import { writeImagePredictionFile, writePredictionFile } from '../../predict/prediction-file.js';
import { UsageError } from '../../errors.js';
import { LABEL_DEFAULT_QUALITY, POSE_QUALITIES, type PoseQuality } from '../../pose2d/model-files.js';
import { ExitCode } from '../exit-codes.js';
import { backendOption } from '../backend-option.js';
import type { GlobalArgs } from '../global-options.js';
import { testTimeOptions, withTestTimeOptions, type TestTimeArgs } from '../test-time-options.js';
import { runCommand } from '../run-command.js';

interface PredictArgs extends GlobalArgs, TestTimeArgs {
  checkpoint: string;
  video?: string;
  split?: 'train' | 'val' | 'test';
  image?: string;
  quality?: PoseQuality;
  model?: string;
  descriptor?: string;
  out?: string;
  backend?: string;
  featureCache?: string;
}

export const predictCommand: CommandModule<GlobalArgs, PredictArgs> = {
  command: 'predict',
  describe: 'run a trained HMMR checkpoint on the database tubes: Θ, 3D joints and ±Δt poses per frame, stored in the database (resumable) and optionally written to .json or .npz',
  builder: (yargs) =>
    withTestTimeOptions(yargs)
      .option('checkpoint', { type: 'string', default: SHIPPED_CHECKPOINT, defaultDescription: `${SHIPPED_CHECKPOINT_NAME} (shipped, trained on synthetic data)`, describe: 'checkpoint folder, or a run folder (its latest checkpoint)' })
      .option('video', { type: 'string', describe: 'only the tubes of this video (id or path); default every tube' })
      .option('split', { type: 'string', choices: ['train', 'val', 'test'] as const, describe: 'only tubes of this split' })
      .option('image', { type: 'string', describe: 'a still photo instead of the database: people found by pose2d, present and ±Δt poses through the hallucinator' })
      .option('quality', { type: 'string', choices: POSE_QUALITIES, defaultDescription: LABEL_DEFAULT_QUALITY, describe: 'with --image: the shipped pose model that finds the people (fast or accurate, as in hmmr label)' })
      .option('model', { type: 'string', describe: 'with --image: an ONNX pose network instead of a shipped one (its descriptor beside it or --descriptor)' })
      .option('descriptor', { type: 'string', describe: 'with --image: the pose network\'s descriptor JSON' })
      .option('out', { type: 'string', describe: 'also write the run to this file, .json or .npz (required with --image)' })
      .option('backend', backendOption())
      .option('feature-cache', { type: 'string', describe: 'folder for cached per-frame features (default <db>.features)' })
      .example('$0 predict --checkpoint runs/cpu1', 'predict every tube into the database (again: continues where it stopped)')
      .example('$0 predict --checkpoint runs/cpu1 --video 3 --out pred.json', 'predict every tube of video 3, stored and as JSON')
      .example('$0 predict --checkpoint runs/cpu1 --image photo.jpg --out photo.json', 'past, present and future 3D pose of everyone in a photo') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      for (const flag of ['quality', 'model', 'descriptor'] as const) {
        if (args[flag] !== undefined && args.image === undefined) throw new UsageError(`--${flag} picks the pose model for --image (database tubes are labelled already, by hmmr label)`);
      }
      if (args.image !== undefined) {
        if (args.out === undefined) throw new UsageError('--image needs --out (a photo has no tubes to store)');
        const { predictImage } = await import('../../predict/predict-image.js');
        const result = await predictImage({ image: args.image, checkpoint: args.checkpoint, backend: args.backend, quality: args.quality, model: args.model, descriptor: args.descriptor, testTime: testTimeOptions(args) });
        ctx.log.info(`backend: ${result.backend.description}`);
        writeImagePredictionFile(args.out, result);
        return {
          summary: `${result.people.length} people in ${args.image}: present and ±${result.deltaFrames}-frame poses with ${result.checkpointDir} (step ${result.step}) → ${args.out}`,
          data: { checkpoint: result.checkpointDir, step: result.step, people: result.people.length, out: args.out },
        };
      }
      // Checked before predicting, so a typo costs nothing (the stored run would survive it anyway).
      if (args.out !== undefined && !/\.(json|npz)$/i.test(args.out)) throw new UsageError(`--out must end in .json or .npz, got '${args.out}'`);
      const testTime = testTimeOptions(args);
      const { predictTubes, storedTubePredictions } = await import('../../predict/run-predict.js');
      const progress = ctx.progress('predict', undefined, 'tubes');
      const db = ctx.openDb();
      const run = await predictTubes({
        db,
        dbPath: ctx.dbPath,
        checkpoint: args.checkpoint,
        video: args.video,
        filter: args.split ? { split: args.split } : {},
        backend: args.backend,
        featureCacheDir: args.featureCache,
        store: true,
        ...testTime,
        signal: ctx.signal,
        onBackend: (info) => ctx.log.info(`backend: ${info.description}`),
        onTube: (_done, total) => {
          progress.setTotal(total);
          progress.tick();
        },
      });
      progress.done();
      const stored = run.stored!;
      if (args.out !== undefined) writePredictionFile(args.out, { ...run, tubes: storedTubePredictions(db, stored.runId) });
      const frames = run.tubes.reduce((sum, tube) => sum + tube.frameCount, 0);
      const continued = stored.resumed ? ` (continued: ${stored.skippedTubes} tubes were already stored)` : '';
      const state = stored.complete ? 'complete' : 'incomplete, run the same command again to resume';
      return {
        summary:
          `${run.tubes.length} tubes, ${frames} frames predicted with ${run.checkpointDir} (step ${run.step}) on ${run.backend.description}${continued}; ` +
          `prediction run ${stored.runId} ${state}${args.out !== undefined ? ` → ${args.out}` : ''}`,
        data: { checkpoint: run.checkpointDir, step: run.step, predictionRun: stored.runId, resumed: stored.resumed, complete: stored.complete, tubes: run.tubes.length, skippedTubes: stored.skippedTubes, frames, out: args.out ?? null },
        exitCode: ctx.signal.aborted ? ExitCode.interrupted : ExitCode.ok,
      };
    }),
};
