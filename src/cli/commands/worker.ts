import type { CommandModule } from 'yargs';
import { envConfig } from '../../env.js';
import { UsageError } from '../../errors.js';
import { LABEL_DEFAULT_QUALITY, POSE_QUALITIES, resolveModelFiles, type PoseQuality } from '../../pose2d/model-files.js';
import type { InferenceDevice } from '../../pose2d/session.js';
import { inferenceLayout, openPoseWorkers } from '../../pose2d/session-pool.js';
import { parsePathMapping } from '../../queue/path-map.js';
import { DEFAULT_LOCK_DURATION_MS } from '../../queue/queue-defaults.js';
import { parseRedisUrl } from '../../queue/redis-address.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';
import { SESSION_THREADS_DEFAULT, SESSION_THREADS_HELP } from './label.js';

interface WorkerArgs extends GlobalArgs {
  queue: string;
  concurrency: number;
  pathMap?: string[];
  model?: string;
  descriptor?: string;
  quality?: PoseQuality;
  device?: string;
  sessionThreads?: number;
  lockDuration: number;
}

export const workerCommand: CommandModule<GlobalArgs, WorkerArgs> = {
  command: 'worker',
  describe: 'label chunk jobs from a `hmmr label --queue` coordinator until stopped (Ctrl-C finishes the chunks in hand)',
  builder: (yargs) =>
    yargs
      .option('queue', { type: 'string', demandOption: true, describe: 'the coordinator\'s Redis: redis://host:port[/db]' })
      .option('concurrency', { type: 'number', default: 1, describe: 'chunks labelled at once (they share the network\'s sessions)' })
      .option('path-map', { type: 'string', array: true, describe: 'from=to: read the store\'s video paths under `from` at `to` on this machine (repeatable)' })
      .option('model', { type: 'string', describe: 'ONNX pose network: must be the coordinator\'s (jobs for another model fail with the reason)' })
      .option('descriptor', { type: 'string', describe: 'model descriptor JSON (default: <model>.json beside the model, else the shipped one)' })
      .option('quality', { type: 'string', choices: POSE_QUALITIES, defaultDescription: LABEL_DEFAULT_QUALITY, describe: 'a shipped model, as for hmmr label' })
      .option('device', { type: 'string', choices: ['cpu', 'cuda'], defaultDescription: '$HMMR_DEVICE or cpu', describe: 'onnxruntime execution provider' })
      .option('session-threads', { type: 'number', defaultDescription: SESSION_THREADS_DEFAULT, describe: SESSION_THREADS_HELP })
      .option('lock-duration', { type: 'number', default: DEFAULT_LOCK_DURATION_MS, describe: 'ms a chunk stays this worker\'s without a lock renewal; a killed worker\'s chunk is retried elsewhere after it' })
      .example('$0 worker --queue redis://10.0.0.5:6379 --concurrency 2', 'label chunks for the coordinator on that Redis')
      .example('$0 worker --queue redis://10.0.0.5:6379 --path-map /data/videos=/mnt/videos', 'the videos are mounted elsewhere here') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      if (!(args.concurrency >= 1) || !Number.isInteger(args.concurrency)) throw new UsageError('--concurrency must be a positive integer');
      if (!(args.lockDuration >= 100) || !Number.isInteger(args.lockDuration)) throw new UsageError('--lock-duration must be an integer of at least 100 ms');
      const address = parseRedisUrl(args.queue);
      const pathMap = (args.pathMap ?? []).map(parsePathMapping);
      const device = (args.device ?? envConfig.onnxDevice ?? 'cpu') as InferenceDevice;
      if (device !== 'cpu' && device !== 'cuda') throw new UsageError(`device "${device}" is not cpu or cuda`);
      // The same default model as hmmr label, so a worker started without flags serves a coordinator started without flags.
      const quality = args.quality ?? (args.model === undefined && args.descriptor === undefined ? LABEL_DEFAULT_QUALITY : undefined);
      const { descriptor, modelPath } = resolveModelFiles({ model: args.model, descriptor: args.descriptor, quality });
      const layout = inferenceLayout(descriptor, device, args.sessionThreads);
      const session = await openPoseWorkers(descriptor, modelPath, layout, { device });
      ctx.log.info(`hmmr worker: ${descriptor.name} (${modelPath}, ${layout.sessions} × ${layout.threadsPerSession}-thread sessions) on ${args.queue}, ${args.concurrency} at a time`);
      try {
        const { runLabelWorker } = await import('../../queue/worker.js');
        const totals = await runLabelWorker({
          address,
          session,
          concurrency: args.concurrency,
          pathMap,
          lockDurationMs: args.lockDuration,
          signal: ctx.signal,
          onChunk: (event) => {
            if ('error' in event) ctx.log.error(`hmmr: chunk ${event.job}: ${event.error}`);
            else ctx.log.info(`chunk ${event.job}: ${event.frames} frames in ${(event.ms / 1000).toFixed(1)} s`);
          },
        });
        return { summary: `${totals.chunks} chunks, ${totals.frames} frames labelled`, data: totals };
      } finally {
        await session.close();
      }
    }),
};
