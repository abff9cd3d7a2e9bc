import type { CommandModule } from 'yargs';
import { SHIPPED_CHECKPOINT_NAME } from '../../train/checkpoint.js';
import { CONFIG_PRESETS, posePriorOf } from '../../train/config.js';
import { receptiveField } from '../../train/vp3d/config.js';
import type { TubeTier } from '../../store/tubes.js';
import { ExitCode } from '../exit-codes.js';
import { backendOption } from '../backend-option.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface TrainArgs extends GlobalArgs {
  out: string;
  config?: string;
  steps?: number;
  resume: boolean;
  init?: string;
  backend?: string;
  seed: number;
  split: 'train' | 'val' | 'test';
  tier?: string[];
  featureCache?: string;
  threads?: number;
}

export const trainCommand: CommandModule<GlobalArgs, TrainArgs> = {
  command: 'train',
  describe: 'train HMMR on the database tubes (checkpoints, metrics.jsonl; Ctrl-C saves and stops; --resume continues)',
  builder: (yargs) =>
    yargs
      .option('out', { type: 'string', demandOption: true, describe: 'run folder: checkpoints (ckpt-*/), latest.json, metrics.jsonl' })
      .option('config', { type: 'string', defaultDescription: "cpu, or the --init checkpoint's", describe: `preset (${Object.keys(CONFIG_PRESETS).join(', ')}) or a JSON file ({"extends": "cpu", ...}); with --resume the run's own config is used` })
      .option('steps', { type: 'number', describe: 'total optimiser steps the run should reach (default: the config\'s schedule.steps)' })
      .option('resume', { type: 'boolean', default: false, describe: 'continue the run in --out from its latest checkpoint (same step count, data order and RNG)' })
      .option('init', { type: 'string', describe: `start a new run from a checkpoint's weights (fine-tuning; fresh optimiser, step 0), e.g. the shipped ${SHIPPED_CHECKPOINT_NAME}; its model must match --config` })
      .option('backend', backendOption())
      .option('seed', { type: 'number', default: 1, describe: 'seed for initial weights and the training random stream' })
      .option('split', { type: 'string', choices: ['train', 'val', 'test'] as const, default: 'train' as const, describe: 'which tubes to train on' })
      .option('tier', { type: 'string', array: true, choices: ['mocap3d', 'human2d', 'pseudo2d'], describe: 'only tubes of these tiers (default: all)' })
      .option('feature-cache', { type: 'string', describe: 'folder for cached per-frame features (default <db>.features)' })
      .option('threads', { type: 'number', describe: 'gradient threads, each with its own backend and model copy (default: 2 on wasm with ≥ 2 cores for widths 256–1024, else 1)' })
      .example('$0 train --out runs/cpu1 --steps 2000', 'train the cpu preset on every train tube')
      .example('$0 train --out runs/cpu1 --resume', 'continue an interrupted run')
      .example(`$0 train --out runs/ft1 --init ${SHIPPED_CHECKPOINT_NAME} --steps 200`, 'fine-tune the shipped checkpoint on the database tubes') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const { trainFromDatabase } = await import('../../train/run-train.js');
      const progress = ctx.progress('train', args.steps, 'steps');
      const result = await trainFromDatabase({
        db: ctx.openDb(),
        dbPath: ctx.dbPath,
        outDir: args.out,
        config: args.config,
        steps: args.steps,
        resume: args.resume,
        init: args.init,
        backend: args.backend,
        seed: args.seed,
        split: args.split,
        tiers: args.tier as TubeTier[] | undefined,
        featureCacheDir: args.featureCache,
        threads: args.threads,
        signal: ctx.signal,
        onBackend: (info) => ctx.log.info(`backend: ${info.description}`),
        onNote: (message) => ctx.log.info(message),
        onLoadProgress: (done, total) => ctx.log.verbose(`features: ${done}/${total} tubes`),
        onStep: (report) => {
          progress.setTotal(report.totalSteps - report.startStep);
          const v = report.validation;
          if (v) progress.setDetail?.(`val MPJPE ${v.latest.mpjpeMm.toFixed(1)} / PA ${v.latest.paMpjpeMm.toFixed(1)} mm at step ${v.latest.step} (best at ${v.best.step})`);
          progress.tick();
        },
      });
      progress.done();
      const terms = result.lastMetrics ? Object.entries(result.lastMetrics.terms).map(([name, value]) => `${name} ${value.toPrecision(4)}`).join(', ') : 'none logged';
      const lines = [
        `${result.interrupted ? 'interrupted at' : 'trained to'} step ${result.endStep} of ${result.totalSteps} (${result.stepsRun} this run, from step ${result.startStep}) on ${result.sequenceCount} tubes, backend ${result.backend.description}, ${result.threads} gradient thread${result.threads > 1 ? 's' : ''}`,
        `speed: ${result.stepsPerSec.toFixed(2)} steps/s, ${result.msPerStep.toFixed(0)} ms/step; config '${result.config.name}' (${result.config.vp3d ? `VideoPose3D lifter, ${result.config.vp3d.channels} channels, receptive field ${receptiveField(result.config.vp3d.filterWidths)} frames` : `width ${result.config.model.width}`}, ${result.parameterCount.encoder} encoder + ${result.parameterCount.discriminator} discriminator parameters)`,
        `checkpoint: ${result.checkpointDir ?? 'none'}`,
        result.best
          ? `best: ${result.best.checkpointDir} (step ${result.best.step}, validation MPJPE ${result.best.mpjpeMm.toFixed(1)} mm, PA-MPJPE ${result.best.paMpjpeMm.toFixed(1)} mm on ${result.validationSequences} ${result.validationSource === 'val-split' ? 'val-split' : 'held-out train'} tubes)`
          : `best: none (${result.config.schedule.validateEvery === 0 ? 'validation off' : result.validationSequences === 0 ? 'no validation tubes with 3D ground truth' : 'no validation pass yet'})`,
        `metrics: ${result.metricsPath}`,
        `last losses: ${result.lastMetrics ? `encoder ${result.lastMetrics.encoderLoss.toPrecision(4)}; ` : ''}${terms}`,
      ];
      if (result.stoppedEarly) lines.push(`stopped early: ${result.config.schedule.earlyStopPatience} validations without a better MPJPE`);
      const realPoses = result.realPoses.source === 'store' ? `the store's pose bank, ${result.realPoses.frames} frames` : `SMPL of the training tubes, ${result.realPoses.frames} frames`;
      if (!result.adversarial) lines.push(`adversarial prior: off (${posePriorOf(result.config) === 'flow' ? 'model.prior is flow' : result.config.loss.advEncoder > 0 || result.config.loss.advDiscriminator > 0 ? 'no pose bank and no SMPL ground truth among the tubes' : 'its loss weights are 0'})`);
      else lines.push(`adversarial prior: real poses from ${realPoses}`);
      if (result.interrupted) lines.push(`resume with: hmmr train --out ${args.out} --resume`);
      return {
        summary: lines.join('\n'),
        data: { ...result, backend: result.backend.name },
        exitCode: result.interrupted ? ExitCode.interrupted : ExitCode.ok,
      };
    }),
};
