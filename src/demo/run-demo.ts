import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COCO18_NAMES } from '../body/joint-sets.js';
import { LbsBodyModel } from '../body/lbs.js';
import { loadBodyModelFile } from '../body/load.js';
import { HmmrError, InterruptedError } from '../errors.js';
import { evaluateCheckpoint, type CheckpointEvaluation } from '../eval/evaluate-checkpoint.js';
import { runSynth } from '../synth/run-synth.js';
import { openDatabase, type Db } from '../store/database.js';
import { listTubes } from '../store/tubes.js';
import { initBackend } from '../tf/backend.js';
import { latestCheckpointDir, readCheckpointInfo, SHIPPED_CHECKPOINT, SHIPPED_CHECKPOINT_NAME } from '../train/checkpoint.js';
import { METRICS_FILE } from '../train/metrics-log.js';
import { trainFromDatabase } from '../train/run-train.js';
import type { DemoContext } from './demo-context.js';
import { DEMO_DEFAULTS } from './demo-defaults.js';
import { renderDemoOverlay, type DemoOverlayResult } from './demo-overlay.js';
import { ingestAndLabelClip } from './label-clip.js';
import type { PoseQuality } from '../pose2d/model-files.js';

export interface DemoOptions {
  outDir: string;
  /** The video to label; default the shipped table-tennis clip. */
  clip: string;
  /** Total training steps (a re-run resumes up to it). */
  steps: number;
  /** Label at most this many frames per second (default every frame). */
  labelFps?: number;
  /** The shipped pose model that labels the clip (default fast: the demo is a quick run; hmmr label defaults to accurate). */
  quality?: PoseQuality;
  /** Synthetic MoCap sequences (3D ground truth) and their length. */
  sequences: number;
  frames: number;
  seed: number;
  /**
   * Starting weights: a checkpoint to fine-tune (default the shipped models/hmmr-embedded), or
   * undefined to train `config` from random weights.
   */
  init?: string;
  /** Training preset or JSON config; default the init checkpoint's, or 'cpu' from scratch. */
  config?: string;
  backend?: string;
  /**
   * Fit the overlay's 3D to the clip's 2D keypoints near the network's pose (hmmr predict
   * --refine-pose; default on: on the shipped clip its limbs follow the detections better). The
   * evaluation stays the network's own output.
   */
  refinePose?: boolean;
}

/** Where every output of a demo run lives. */
export interface DemoPaths {
  outDir: string;
  db: string;
  synthDir: string;
  runDir: string;
  metrics: string;
  evalReport: string;
  overlay: string;
}

export function demoPaths(outDir: string): DemoPaths {
  const runDir = join(outDir, 'run');
  return {
    outDir,
    db: join(outDir, 'hmmr.db'),
    synthDir: join(outDir, 'synth'),
    runDir,
    metrics: join(runDir, METRICS_FILE),
    evalReport: join(outDir, 'eval-report.json'),
    overlay: join(outDir, 'overlay.mp4'),
  };
}

export interface DemoResult {
  paths: DemoPaths;
  checkpoint: string;
  clip: { path: string; videoId: number; labelling: 'labelled' | 'reused'; tubes: { name: string; frames: number }[] };
  synth: { sequences: number; reused: boolean };
  /** startedFrom: the checkpoint the run fine-tuned, or 'random weights'. */
  train: { step: number; stepsRun: number; msPerStep: number | null; backend: string; config: string; startedFrom: string };
  evaluation: CheckpointEvaluation;
  overlay: DemoOverlayResult;
  /** Wall seconds per stage (this run), and in total. */
  seconds: Record<'clip' | 'synth' | 'train' | 'eval' | 'overlay' | 'total', number>;
}

const STAGES = 5;

/**
 * `hmmr demo`: the whole pipeline in one database under `outDir`: the clip is ingested, labelled and
 * tracked into tubes; synthetic MoCap sequences with 3D ground truth are added; HMMR trains on both;
 * the checkpoint is evaluated on the synthetic test split (metric table + dynamics table); and the
 * clip is rendered with its tube's 2D skeleton beside the predicted 3D skeleton. Every stage reuses
 * finished work, so after Ctrl-C the same command continues (training resumes from its checkpoint).
 */
export async function runDemo(options: DemoOptions, ctx: DemoContext): Promise<DemoResult> {
  const started = performance.now();
  const paths = demoPaths(options.outDir);
  mkdirSync(paths.outDir, { recursive: true });
  const seconds = { clip: 0, synth: 0, train: 0, eval: 0, overlay: 0, total: 0 };
  const timed = async <T>(stage: keyof typeof seconds, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      seconds[stage] = (performance.now() - t0) / 1000;
      if (ctx.signal.aborted) throw new InterruptedError();
    }
  };
  const stage = (n: number, text: string) => ctx.log.info(`[${n}/${STAGES}] ${text}`);

  const db = openDatabase(paths.db);
  try {
    const backend = await initBackend(options.backend);
    ctx.log.info(`hmmr demo → ${paths.outDir} (database ${paths.db}, tfjs backend ${backend.description})`);

    stage(1, `clip: ingest, label${options.labelFps !== undefined ? ` at ${options.labelFps} fps` : ' every frame'}, track into tubes`);
    const clip = await timed('clip', () => ingestAndLabelClip(db, options.clip, { fps: options.labelFps, quality: options.quality ?? DEMO_DEFAULTS.quality }, ctx));
    const tube = clip.tubes[0];
    if (!tube) {
      throw new HmmrError(options.clip, `tracking found no tube long enough to train on${options.labelFps !== undefined ? '; label more frames (a higher --fps, or none)' : ''}`);
    }

    stage(2, `synthetic MoCap: ${options.sequences} sequences × ${options.frames} frames with 3D ground truth (train/test split)`);
    const synth = await timed('synth', () => synthStage(db, paths, options, ctx));

    const start = options.init !== undefined ? `fine-tune ${describeStart(options.init)}` : `train HMMR ('${options.config ?? DEMO_DEFAULTS.scratchConfig}' preset, from random weights)`;
    stage(3, `${start} to step ${options.steps} on the synthetic train split and the clip's ${clip.tubes.length} tube(s)`);
    const train = await timed('train', () => trainStage(db, paths, options, ctx));

    stage(4, 'evaluate the checkpoint on the synthetic test split (metrics + dynamics)');
    const evaluation = await timed('eval', () => evaluateCheckpoint(db, paths.db, paths.runDir, 'test', { backend: options.backend, signal: ctx.signal, onStage: (message) => ctx.log.info(`  ${message}`) }));
    writeFileSync(paths.evalReport, JSON.stringify(evaluation, null, 2) + '\n');

    stage(5, `overlay: the clip with tube '${tube.name}' and its predicted 3D skeleton (front, side)`);
    const overlay = await timed('overlay', () =>
      renderDemoOverlay(db, paths.db, evaluation.checkpoint, clip.video, tube, paths.overlay, { backend: options.backend, labelFps: options.labelFps, refinePose: options.refinePose ?? true }, ctx),
    );

    seconds.total = (performance.now() - started) / 1000;
    return {
      paths,
      checkpoint: evaluation.checkpoint,
      clip: { path: clip.video.path, videoId: clip.video.id, labelling: clip.labelling, tubes: clip.tubes.map((t) => ({ name: t.name, frames: t.frameCount })) },
      synth,
      train: { ...train, backend: backend.description, startedFrom: describeStart(options.init) },
      evaluation,
      overlay,
      seconds,
    };
  } finally {
    db.close();
  }
}

/** The starting weights as a person reads them: the shipped checkpoint by its repo path. */
function describeStart(init: string | undefined): string {
  if (init === undefined) return 'random weights';
  return init === SHIPPED_CHECKPOINT ? SHIPPED_CHECKPOINT_NAME : init;
}

/** Synthetic sequences, once: a re-run finds the test split and ground-truth file already there. */
async function synthStage(db: Db, paths: DemoPaths, options: DemoOptions, ctx: DemoContext): Promise<DemoResult['synth']> {
  const existing = listTubes(db, { tier: 'mocap3d' });
  if (existing.some((t) => t.split === 'test') && existsSync(join(paths.synthDir, 'gt.json'))) {
    ctx.log.info(`  reusing ${existing.length} synthetic sequences`);
    return { sequences: existing.length, reused: true };
  }
  const body = new LbsBodyModel(loadBodyModelFile());
  try {
    const progress = ctx.progress('synth', options.sequences, 'sequences');
    const summary = await runSynth(
      db,
      body,
      paths.synthDir,
      { sequences: options.sequences, frames: options.frames, seed: options.seed, fps: 25, testFraction: 0.25, detectorFormat: { name: 'coco18', keypoints: COCO18_NAMES } },
      { onSequence: () => progress.tick(), signal: ctx.signal },
    );
    progress.done();
    return { sequences: summary.sequences.length, reused: false };
  } finally {
    body.dispose();
  }
}

/** Trains to options.steps, resuming the run folder's checkpoint when there is one. */
async function trainStage(db: Db, paths: DemoPaths, options: DemoOptions, ctx: DemoContext): Promise<Omit<DemoResult['train'], 'backend' | 'startedFrom'>> {
  const latest = existsSync(paths.runDir) ? latestCheckpointDir(paths.runDir) : undefined;
  if (latest) {
    const info = readCheckpointInfo(latest);
    if (info.step >= options.steps) {
      ctx.log.info(`  reusing ${latest} (step ${info.step})`);
      return { step: info.step, stepsRun: 0, msPerStep: null, config: info.config.name };
    }
  }
  const progress = ctx.progress('train', undefined, 'steps');
  const result = await trainFromDatabase({
    db,
    dbPath: paths.db,
    outDir: paths.runDir,
    config: options.init !== undefined ? options.config : (options.config ?? DEMO_DEFAULTS.scratchConfig),
    steps: options.steps,
    resume: latest !== undefined,
    init: latest === undefined ? options.init : undefined,
    backend: options.backend,
    seed: options.seed,
    split: 'train',
    signal: ctx.signal,
    onNote: (message) => ctx.log.info(`  ${message}`),
    onStep: (report) => {
      progress.setTotal(report.totalSteps - report.startStep);
      progress.tick();
    },
  });
  progress.done();
  if (result.interrupted) throw new InterruptedError();
  return { step: result.endStep, stepsRun: result.stepsRun, msPerStep: result.stepsRun > 0 ? result.msPerStep : null, config: result.config.name };
}
