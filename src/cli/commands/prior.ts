import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { loadBodyModelFile, STANDIN_BODY_MODEL_PATH } from '../../body/load.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_POSE_FLOW, FLOW_POSE_DIMS } from '../../prior/flow-architecture.js';
import type { PoseClip } from '../../prior/train-flow.js';
import { readPoseBank } from '../../store/pose-bank.js';
import { generatorPoseClips } from '../../synth/pose-clips.js';
import { backendOption } from '../backend-option.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand, type CommandContext } from '../run-command.js';

const POSE_SOURCES = ['auto', 'pose-bank', 'generator'] as const;
type PoseSource = (typeof POSE_SOURCES)[number];

interface TrainArgs extends GlobalArgs {
  out: string;
  steps: number;
  seed: number;
  resume: boolean;
  source: PoseSource;
  clips: number;
  batchSize: number;
  learningRate: number;
  layers: number;
  hidden: number;
  backend: string | undefined;
}

interface SampleArgs extends GlobalArgs {
  prior: string;
  out: string;
  count: number;
  seed: number;
  temperature: number;
  bodyModel: string;
  backend: string | undefined;
}

/** Generator clips: 100 frames at 25 fps each (4 s, at least one cycle of every motion). */
const GENERATOR_CLIP_FRAMES = 100;
const GENERATOR_FPS = 25;

const trainCommand: CommandModule<GlobalArgs, TrainArgs> = {
  command: 'train',
  describe: 'fit a normalizing-flow pose prior by maximum likelihood on the pose bank (AMASS) or on generated motion',
  builder: (yargs) =>
    yargs
      .option('out', { type: 'string', demandOption: true, describe: 'folder for the prior (prior.json + weights)' })
      .option('steps', { type: 'number', default: 2000, describe: 'total Adam steps (a resumed run continues up to this)' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the weights, batches and noise (and of the generated motion)' })
      .option('resume', { type: 'boolean', default: false, describe: 'continue the prior in --out' })
      .option('source', { type: 'string', choices: POSE_SOURCES, default: 'auto', describe: "poses to fit: the database's pose bank (hmmr import amass or hmmr synth --tier pose-bank), the motion generator, or auto (the pose bank when --db has one)" })
      .option('clips', { type: 'number', default: 280, describe: 'generated clips (100 frames each) when the source is the generator' })
      .option('batch-size', { type: 'number', default: 256, describe: 'poses per step' })
      .option('learning-rate', { type: 'number', default: 1e-3, describe: 'Adam learning rate' })
      .option('layers', { type: 'number', default: DEFAULT_POSE_FLOW.couplingLayers, describe: 'coupling layers (even)' })
      .option('hidden', { type: 'number', default: DEFAULT_POSE_FLOW.hidden, describe: 'hidden width of each coupling network' })
      .option('backend', backendOption())
      .example('$0 prior train --out priors/amass --steps 4000', 'fit a prior on the imported AMASS poses (or generated motion when there are none)') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      for (const [flag, value, minimum] of [['--steps', args.steps, 1], ['--seed', args.seed, 0], ['--clips', args.clips, 1], ['--batch-size', args.batchSize, 1], ['--hidden', args.hidden, 1], ['--layers', args.layers, 2]] as const) {
        if (!Number.isInteger(value) || value < minimum) throw new UsageError(`${flag} must be an integer ≥ ${minimum}, got ${value}`);
      }
      if (args.layers % 2 !== 0) throw new UsageError(`--layers must be even (coupling layers come in complementary pairs), got ${args.layers}`);
      if (!(args.learningRate > 0)) throw new UsageError(`--learning-rate must be > 0, got ${args.learningRate}`);
      const [{ initBackend }, { trainPoseFlow }] = await Promise.all([import('../../tf/backend.js'), import('../../prior/train-flow.js')]);
      const backend = await initBackend(args.backend);
      ctx.log.verbose(`tfjs backend: ${backend.description}`);
      const { clips, source } = poseClips(ctx, args);
      ctx.log.verbose(`pose source: ${source}`);
      const progress = ctx.progress('prior', args.steps, 'steps');
      const summary = await trainPoseFlow({
        outDir: args.out,
        clips,
        source,
        steps: args.steps,
        seed: args.seed,
        resume: args.resume,
        architecture: { ...DEFAULT_POSE_FLOW, couplingLayers: args.layers, hidden: args.hidden },
        batchSize: args.batchSize,
        learningRate: args.learningRate,
        signal: ctx.signal,
        onStep: (report) => {
          progress.setTotal(report.totalSteps - report.startStep);
          progress.setDetail?.(`−log p ${report.nll.toFixed(1)} nats/pose`);
          progress.tick();
        },
      });
      progress.done();
      const t = summary.training;
      const heldOut = t.heldOutNll === null ? 'no held-out clips' : `held-out −log p ${t.heldOutNll.toFixed(2)} nats/pose on ${t.heldOutPoses} poses`;
      return {
        summary: `pose prior trained to step ${t.step} (from ${summary.startStep}) on ${t.trainPoses} poses of ${t.source}; last batch −log p ${t.trainNll?.toFixed(2)} nats/pose, ${heldOut}; written to ${args.out}`,
        data: summary,
      };
    }),
};

const sampleCommand: CommandModule<GlobalArgs, SampleArgs> = {
  command: 'sample',
  describe: 'draw poses from a trained prior and render them as a grid of skeletons (PNG)',
  builder: (yargs) =>
    yargs
      .option('prior', { type: 'string', demandOption: true, describe: 'prior folder (hmmr prior train --out)' })
      .option('out', { type: 'string', demandOption: true, describe: 'PNG file to write' })
      .option('count', { type: 'number', default: 16, describe: 'poses to draw' })
      .option('seed', { type: 'number', default: 0, describe: 'sampling seed' })
      .option('temperature', { type: 'number', default: 1, describe: 'std of the latent draw (below 1: more typical poses)' })
      .option('body-model', { type: 'string', default: STANDIN_BODY_MODEL_PATH, defaultDescription: "hmmr's stand-in body model", describe: 'SMPL-layout body model that poses the samples' })
      .option('backend', backendOption())
      .example('$0 prior sample --prior priors/amass --out grid.png --count 25', 'a 5 × 5 grid of sampled poses') as never,
  handler: (args) =>
    runCommand(args, async () => {
      if (!Number.isInteger(args.count) || args.count < 1 || args.count > 400) throw new UsageError(`--count must be an integer from 1 to 400, got ${args.count}`);
      if (!Number.isInteger(args.seed) || args.seed < 0) throw new UsageError(`--seed must be an integer ≥ 0, got ${args.seed}`);
      if (!(args.temperature > 0)) throw new UsageError(`--temperature must be > 0, got ${args.temperature}`);
      if (!args.out.toLowerCase().endsWith('.png')) throw new UsageError(`--out must name a .png file, got ${args.out}`);
      const [{ initBackend }, { loadPoseFlow, readFlow }, { LbsBodyModel }, { writePoseGridPng }] = await Promise.all([
        import('../../tf/backend.js'),
        import('../../prior/flow-file.js'),
        import('../../body/lbs.js'),
        import('../../prior/pose-grid.js'),
      ]);
      await initBackend(args.backend);
      const training = readFlow(args.prior).training;
      const flow = loadPoseFlow(args.prior);
      const body = new LbsBodyModel(loadBodyModelFile(args.bodyModel));
      try {
        const samples = flow.sample(args.count, args.seed, args.temperature);
        const poses = samples.dataSync() as Float32Array;
        samples.dispose();
        const image = writePoseGridPng(body, poses, args.out);
        return {
          summary: `${args.count} poses from ${args.prior} (trained ${training.step} steps on ${training.source}), temperature ${args.temperature}, seed ${args.seed}: ${args.out} (${image.width}×${image.height}, ${image.columns} per row)`,
          data: { out: args.out, count: args.count, seed: args.seed, temperature: args.temperature, ...image, dims: FLOW_POSE_DIMS },
        };
      } finally {
        flow.dispose();
        body.dispose();
      }
    }),
};

export const priorCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'prior <action>',
  describe: 'a normalizing-flow pose prior: train it on poses, or sample a grid of poses from it',
  builder: (yargs: Argv<GlobalArgs>) => yargs.command(trainCommand).command(sampleCommand).demandCommand(1, 'name an action: train or sample') as never,
  handler: () => undefined,
};

/**
 * The poses to fit. 'auto' reads the pose bank only from a database that already exists (it does
 * not create one just to find it empty).
 */
function poseClips(ctx: CommandContext, args: TrainArgs): { clips: PoseClip[]; source: string } {
  if (args.source !== 'generator' && (args.source === 'pose-bank' || existsSync(ctx.dbPath))) {
    const bank = readPoseBank(ctx.openDb());
    if (bank.length > 0) return { clips: bank, source: `pose_bank of ${ctx.dbPath} (${bank.length} clips)` };
    if (args.source === 'pose-bank') throw new UsageError(`${ctx.dbPath} has no pose bank: import one with hmmr import amass, or use --source generator`);
  }
  return {
    clips: generatorPoseClips(args.clips, GENERATOR_CLIP_FRAMES, GENERATOR_FPS, args.seed),
    source: `motion generator (seed ${args.seed}, ${args.clips} clips × ${GENERATOR_CLIP_FRAMES} frames)`,
  };
}
