import type { CommandModule } from 'yargs';
import { envConfig } from '../../env.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { labelAndTrackVideos, labelProgressLabel, type LabelledVideo } from '../../pipeline/label-and-track.js';
import { parseDecodeOverrides, type AssemblyOrder } from '../../pose2d/decode-options.js';
import { parseScales } from '../../pose2d/multi-scale.js';
import { LABEL_DEFAULT_QUALITY, POSE_QUALITIES, qualityOrDefault, resolveModelFiles, type PoseQuality } from '../../pose2d/model-files.js';
import type { InferenceDevice } from '../../pose2d/session.js';
import { inferenceLayout } from '../../pose2d/session-pool.js';
import { DEFAULT_CHUNK_ATTEMPTS } from '../../queue/queue-defaults.js';
import { parseRedisUrl } from '../../queue/redis-address.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';
import { selectVideos } from '../select-videos.js';
import { describeTracking } from './track.js';

interface LabelArgs extends GlobalArgs {
  model?: string;
  descriptor?: string;
  quality?: PoseQuality;
  video?: string;
  fps?: number;
  inputHeight?: number;
  batch: number;
  chunkFrames: number;
  device?: string;
  sessionThreads?: number;
  peakThreshold?: number;
  smoothingSigma?: number;
  heatmapUpsample?: number;
  pafSamples?: number;
  peakScoreWeight?: number;
  pafSampleThreshold?: number;
  pafMinAbove?: number;
  limbLengthPrior?: number;
  assemblyOrder?: AssemblyOrder;
  minParts?: number;
  minMeanScore?: number;
  flip: boolean;
  queue?: string;
  attempts: number;
  scales?: string;
}

export const SESSION_THREADS_DEFAULT = "the descriptor's runtime.threadsPerSession (both shipped models: 1), else every core";
export const SESSION_THREADS_HELP = 'onnxruntime threads per network session: the cores are split into cores ÷ N sessions that take batches in turn (labels do not change)';

/** Decoding flags default to the model descriptor's "decode" block (its authors' settings). */
const FROM_DESCRIPTOR = 'the model descriptor\'s';

export const labelCommand: CommandModule<GlobalArgs, LabelArgs> = {
  command: 'label',
  describe: 'find every person in every frame of each ingested video not yet labelled with this model and these settings (resumable)',
  builder: (yargs) =>
    yargs
      .option('model', { type: 'string', describe: 'ONNX pose network (default: the shipped model --quality names)' })
      .option('descriptor', { type: 'string', describe: 'model descriptor JSON (default: <model>.json beside the model, else the shipped one)' })
      .option('quality', { type: 'string', choices: POSE_QUALITIES, defaultDescription: LABEL_DEFAULT_QUALITY, describe: 'a shipped model: fast = tfpose_mobilenet_v2_small, accurate = human_pose_estimation_0001 (~3× the inference time)' })
      .option('video', { type: 'string', describe: 'only this video: its id or path (default: every ingested video)' })
      .option('fps', { type: 'number', describe: 'label at most this many frames per second (default: every frame)' })
      .option('input-height', { type: 'number', describe: 'network input height in pixels (default: the descriptor\'s, 368)' })
      .option('batch', { type: 'number', default: 4, describe: 'frames per network call' })
      .option('chunk-frames', { type: 'number', default: 64, describe: 'frames committed per transaction (the resumption unit)' })
      .option('device', { type: 'string', choices: ['cpu', 'cuda'], defaultDescription: '$HMMR_DEVICE or cpu', describe: 'onnxruntime execution provider' })
      .option('session-threads', { type: 'number', defaultDescription: SESSION_THREADS_DEFAULT, describe: SESSION_THREADS_HELP })
      .option('flip', { type: 'boolean', default: false, describe: 'flip averaging: also run each frame mirrored and average the maps (2× the network time)' })
      .option('scales', { type: 'string', defaultDescription: '1 (off)', describe: 'multi-scale averaging: also run each frame at these fractions of the input height and average the maps, e.g. 1,0.75,0.5 (OpenPose --scale_number 3 --scale_gap 0.25); network time ≈ Σ scale² × a plain pass' })
      .option('peak-threshold', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'heatmap peak threshold (OpenPose nms_threshold)' })
      .option('smoothing-sigma', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'heatmap Gaussian smoothing, input pixels (0 = off)' })
      .option('heatmap-upsample', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'upsample heatmaps by this factor before the peak search (1 = stride resolution)' })
      .option('paf-samples', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'PAF line samples per limb (0 = OpenPose adaptive 5..25)' })
      .option('peak-score-weight', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'rank candidate limbs by PAF score + this × both keypoint scores' })
      .option('paf-sample-threshold', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'PAF sample threshold (OpenPose inter_threshold)' })
      .option('paf-min-above', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'fraction of PAF samples above it, strictly exceeded (OpenPose inter_min_above_threshold)' })
      .option('limb-length-prior', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'penalise limbs longer than this fraction of the picture height (0 = off)' })
      .option('assembly-order', { type: 'string', choices: ['strongest-first', 'limb-table'], defaultDescription: FROM_DESCRIPTOR, describe: 'how limbs grow people' })
      .option('min-parts', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'fewest keypoints per person (OpenPose min_subset_cnt)' })
      .option('min-mean-score', { type: 'number', defaultDescription: FROM_DESCRIPTOR, describe: 'lowest mean score per keypoint (OpenPose min_subset_score)' })
      .option('queue', { type: 'string', describe: 'distributed: enqueue --chunk-frames chunks on this Redis (redis://host:port[/db]) for `hmmr worker` processes and commit their results (docs/distributed.md)' })
      .option('attempts', { type: 'number', default: DEFAULT_CHUNK_ATTEMPTS, describe: 'with --queue: tries per chunk before it and its video fail' })
      .example('$0 label', 'label every ingested video with the shipped model')
      .example('$0 label --video 3 --fps 5 --batch 8', 'one video, 5 frames per second, 8 frames per network call')
      .example('$0 label --queue redis://10.0.0.5:6379', 'label on every `hmmr worker` connected to that Redis; this process commits')
      .example('$0 label --scales 1,0.75,0.5', 'multi-scale averaging: three passes per frame, maps averaged')
      .example('$0 label --quality fast', 'the small shipped network: ~3× faster, misses more keypoints on hard poses')
      .example('$0 label --model body25.onnx --descriptor models/descriptors/openpose_body25.json', 'an OpenPose BODY_25 export') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      if (!(args.batch >= 1) || !Number.isInteger(args.batch)) throw new UsageError('--batch must be a positive integer');
      if (!(args.chunkFrames >= 1) || !Number.isInteger(args.chunkFrames)) throw new UsageError('--chunk-frames must be a positive integer');
      if (args.fps !== undefined && !(args.fps > 0)) throw new UsageError('--fps must be positive');
      if (!(args.attempts >= 1) || !Number.isInteger(args.attempts)) throw new UsageError('--attempts must be a positive integer');
      const queue = args.queue === undefined ? undefined : parseRedisUrl(args.queue);
      const device = (args.device ?? envConfig.onnxDevice ?? 'cpu') as InferenceDevice;
      if (device !== 'cpu' && device !== 'cuda') throw new UsageError(`device "${device}" is not cpu or cuda`);

      // Labels are the product: without a model named, label with the stronger network (README: choosing a model).
      const quality = qualityOrDefault(args);
      const { descriptor, modelPath } = resolveModelFiles({ model: args.model, descriptor: args.descriptor, quality });
      const layout = inferenceLayout(descriptor, device, args.sessionThreads);
      const inputHeight = args.inputHeight ?? descriptor.input.defaultHeight;
      if (!Number.isInteger(inputHeight) || inputHeight < descriptor.stride) throw new UsageError(`--input-height must be an integer of at least ${descriptor.stride}`);
      const decode = parseDecodeOverrides(
        {
          peakThreshold: args.peakThreshold,
          smoothingSigmaInputPx: args.smoothingSigma,
          heatmapUpsample: args.heatmapUpsample,
          pafSamples: args.pafSamples,
          peakScoreWeight: args.peakScoreWeight,
          pafSampleThreshold: args.pafSampleThreshold,
          pafMinAboveFraction: args.pafMinAbove,
          limbLengthPrior: args.limbLengthPrior,
          assemblyOrder: args.assemblyOrder,
          minParts: args.minParts,
          minMeanScore: args.minMeanScore,
        },
        (reason) => {
          throw new UsageError(reason);
        },
      );

      const scales = args.scales === undefined ? undefined : parseScales(args.scales);

      const db = ctx.openDb();
      const videos = selectVideos(db, args.video);
      if (videos.length === 0) return { summary: 'no ingested videos; run hmmr ingest <folder> first', data: { videos: [] } };

      const onVideo = (result: LabelledVideo) => {
        if (result.error) (result.status === 'busy' ? ctx.log.info : ctx.log.error)(`hmmr: ${result.error}`);
        if (result.tracking) ctx.log.info(describeTracking(result.tracking));
      };
      const settings = { inputHeight, fps: args.fps, decode, flip: args.flip, scales };
      const results = queue
        ? // BullMQ loads only when a queue is named: every other hmmr command starts without it.
          await (await import('../../queue/coordinator.js')).runCoordinator(db, videos, {
            address: queue,
            descriptor,
            modelPath,
            settings,
            batchSize: args.batch,
            chunkFrames: args.chunkFrames,
            attempts: args.attempts,
            signal: ctx.signal,
            progress: ctx.progress(`label via ${args.queue}`, undefined, 'frames'),
            onVideo,
          })
        : (
            await labelAndTrackVideos(db, videos, {
              model: args.model,
              descriptor: args.descriptor,
              quality,
              device,
              layout,
              ...settings,
              batchSize: args.batch,
              chunkFrames: args.chunkFrames,
              signal: ctx.signal,
              progressFor: (video) => ctx.progress(labelProgressLabel(video), undefined, 'frames'),
              onVideo,
            })
          ).results;
      if (ctx.signal.aborted) throw new InterruptedError();

      const lines = results.map((r) => {
        return `${String(r.video.id).padStart(3)}  ${describeLabelling(r)}  ${r.video.path}  (label run ${r.runId})`;
      });
      // A damaged video (labelled up to the damage, now or before) or a failed one is an input that (partly) failed.
      const failed = results.filter((r) => r.status === 'partial' || r.status === 'failed' || (r.status === 'already-done' && r.error !== undefined)).length;
      return {
        summary: lines.join('\n'),
        data: {
          model: modelPath,
          params: results[0]?.params,
          videos: results.map(({ params: _params, video, tracking: _tracking, ...rest }) => ({ ...rest, videoId: video.id, path: video.path })),
        },
        exitCode: failed > 0 ? ExitCode.partial : ExitCode.ok,
      };
    }),
};

function describeLabelling(result: LabelledVideo): string {
  switch (result.status) {
    case 'already-done':
      return result.error === undefined ? 'already labelled' : 'already labelled (partial: damaged tail)';
    case 'partial':
      return `${result.framesLabelled} frames labelled, partial: the rest is damaged`;
    case 'busy':
      return 'skipped: another hmmr process is labelling it';
    case 'interrupted':
      return `interrupted after ${result.framesLabelled} frames`;
    case 'done':
      return `${result.framesLabelled} frames labelled`;
    case 'failed':
      return `failed after ${result.framesLabelled} frames`;
  }
}
