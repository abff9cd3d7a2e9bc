import type { CommandModule } from 'yargs';
import { envConfig } from '../../env.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { labelAndTrackVideos, labelProgressLabel, type LabelledVideo } from '../../pipeline/label-and-track.js';
import { OPENPOSE_DECODE_DEFAULTS, resolveDecodeOptions } from '../../pose2d/decode.js';
import { resolveModelFiles } from '../../pose2d/model-files.js';
import type { InferenceDevice } from '../../pose2d/session.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';
import { selectVideos } from '../select-videos.js';
import { describeTracking } from './track.js';

interface LabelArgs extends GlobalArgs {
  model?: string;
  descriptor?: string;
  video?: string;
  fps?: number;
  inputHeight?: number;
  batch: number;
  chunkFrames: number;
  device?: string;
  peakThreshold: number;
  smoothingSigma: number;
  pafSampleThreshold: number;
  pafMinAbove: number;
  minParts: number;
  minMeanScore: number;
}

const D = OPENPOSE_DECODE_DEFAULTS;

export const labelCommand: CommandModule<GlobalArgs, LabelArgs> = {
  command: 'label',
  describe: 'find every person in every frame of each ingested video not yet labelled with this model and these settings (resumable)',
  builder: (yargs) =>
    yargs
      .option('model', { type: 'string', describe: 'ONNX pose network (default: the shipped tfpose_mobilenet_v2_small)' })
      .option('descriptor', { type: 'string', describe: 'model descriptor JSON (default: <model>.json beside the model, else the shipped one)' })
      .option('video', { type: 'string', describe: 'only this video: its id or path (default: every ingested video)' })
      .option('fps', { type: 'number', describe: 'label at most this many frames per second (default: every frame)' })
      .option('input-height', { type: 'number', describe: 'network input height in pixels (default: the descriptor\'s, 368)' })
      .option('batch', { type: 'number', default: 4, describe: 'frames per network call' })
      .option('chunk-frames', { type: 'number', default: 64, describe: 'frames committed per transaction (the resumption unit)' })
      .option('device', { type: 'string', choices: ['cpu', 'cuda'], defaultDescription: '$HMMR_DEVICE or cpu', describe: 'onnxruntime execution provider' })
      .option('peak-threshold', { type: 'number', default: D.peakThreshold, describe: 'heatmap peak threshold (OpenPose nms_threshold)' })
      .option('smoothing-sigma', { type: 'number', default: D.smoothingSigmaInputPx, describe: 'heatmap Gaussian smoothing, input pixels (0 = off)' })
      .option('paf-sample-threshold', { type: 'number', default: D.pafSampleThreshold, describe: 'PAF sample threshold (OpenPose inter_threshold)' })
      .option('paf-min-above', { type: 'number', default: D.pafMinAboveFraction, describe: 'fraction of PAF samples above it (OpenPose inter_min_above_threshold)' })
      .option('min-parts', { type: 'number', default: D.minParts, describe: 'fewest keypoints per person (OpenPose min_subset_cnt)' })
      .option('min-mean-score', { type: 'number', default: D.minMeanScore, describe: 'lowest mean score per keypoint (OpenPose min_subset_score)' })
      .example('$0 label', 'label every ingested video with the shipped model')
      .example('$0 label --video 3 --fps 5 --batch 8', 'one video, 5 frames per second, 8 frames per network call')
      .example('$0 label --model body25.onnx --descriptor models/descriptors/openpose_body25.json', 'an OpenPose BODY_25 export') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      if (!(args.batch >= 1) || !Number.isInteger(args.batch)) throw new UsageError('--batch must be a positive integer');
      if (!(args.chunkFrames >= 1) || !Number.isInteger(args.chunkFrames)) throw new UsageError('--chunk-frames must be a positive integer');
      if (args.fps !== undefined && !(args.fps > 0)) throw new UsageError('--fps must be positive');
      const device = (args.device ?? envConfig.onnxDevice ?? 'cpu') as InferenceDevice;
      if (device !== 'cpu' && device !== 'cuda') throw new UsageError(`device "${device}" is not cpu or cuda`);

      const { descriptor } = resolveModelFiles(args);
      const inputHeight = args.inputHeight ?? descriptor.input.defaultHeight;
      if (!Number.isInteger(inputHeight) || inputHeight < descriptor.stride) throw new UsageError(`--input-height must be an integer of at least ${descriptor.stride}`);
      const decode = resolveDecodeOptions({
        peakThreshold: args.peakThreshold,
        smoothingSigmaInputPx: args.smoothingSigma,
        pafSampleThreshold: args.pafSampleThreshold,
        pafMinAboveFraction: args.pafMinAbove,
        minParts: args.minParts,
        minMeanScore: args.minMeanScore,
      });

      const db = ctx.openDb();
      const videos = selectVideos(db, args.video);
      if (videos.length === 0) return { summary: 'no ingested videos; run hmmr ingest <folder> first', data: { videos: [] } };

      const { modelPath, results } = await labelAndTrackVideos(db, videos, {
        model: args.model,
        descriptor: args.descriptor,
        device,
        inputHeight,
        fps: args.fps,
        batchSize: args.batch,
        chunkFrames: args.chunkFrames,
        decode,
        signal: ctx.signal,
        progressFor: (video) => ctx.progress(labelProgressLabel(video), undefined, 'frames'),
        onVideo: (result) => {
          if (result.error) (result.status === 'busy' ? ctx.log.info : ctx.log.error)(`hmmr: ${result.error}`);
          if (result.tracking) ctx.log.info(describeTracking(result.tracking));
        },
      });
      if (ctx.signal.aborted) throw new InterruptedError();

      const lines = results.map((r) => {
        return `${String(r.video.id).padStart(3)}  ${describeLabelling(r)}  ${r.video.path}  (label run ${r.runId})`;
      });
      // A damaged video (labelled up to the damage, now or before) is an input that partly failed.
      const failed = results.filter((r) => r.status === 'partial' || (r.status === 'already-done' && r.error !== undefined)).length;
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
  }
}
