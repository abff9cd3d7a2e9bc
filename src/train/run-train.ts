import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BadInputFileError, UsageError } from '../errors.js';
import type { Db } from '../store/database.js';
import type { TubeTier } from '../store/tubes.js';
import { initBackend, type BackendInfo } from '../tf/backend.js';
import { loadTrainingBodyModel } from './body-model.js';
import { latestCheckpointDir, readCheckpoint, readCheckpointInfo } from './checkpoint.js';
import { loadTrainConfig, modelKind, type TrainConfig } from './config.js';
import type { TrainingSequence } from './data/sequence.js';
import { choosePoseBank } from './data/real-poses.js';
import { loadSequences } from './data/store-sequences.js';
import { FeatureCache } from './features/cache.js';
import { createFeatureExtractor } from './features/create.js';
import { runTraining, type StepReport, type TrainRunSummary } from './loop.js';
import { METRICS_FILE } from './metrics-log.js';
import { lockRunFolder } from './run-lock.js';
import { chooseValidationSequences } from './validation.js';
import { runVp3dTraining } from './vp3d/train-vp3d.js';

export interface TrainCommandOptions {
  db: Db;
  dbPath: string;
  outDir: string;
  /**
   * Preset name or JSON file; ignored with --resume (the run's own config is used). Default: the
   * --init checkpoint's config, else 'cpu'.
   */
  config?: string;
  steps?: number;
  resume: boolean;
  /** A checkpoint (or run folder) whose weights start a fresh run: fine-tuning. Its model config must match. */
  init?: string;
  backend?: string;
  seed: number;
  split: 'train' | 'val' | 'test';
  tiers?: readonly TubeTier[];
  featureCacheDir?: string;
  /** Gradient threads; default: see defaultThreads (2 on wasm for widths 256–1024 with 2+ cores, else 1). */
  threads?: number;
  signal?: AbortSignal;
  onBackend?: (info: BackendInfo) => void;
  onNote?: (message: string) => void;
  onLoadProgress?: (done: number, total: number) => void;
  onStep?: (report: StepReport) => void;
}

export interface TrainCommandResult extends TrainRunSummary {
  backend: BackendInfo;
  config: TrainConfig;
  outDir: string;
  metricsPath: string;
  sequenceCount: number;
  /** Where the validation tubes came from: the `val` split, held out of the training tubes, or none. */
  validationSource: 'val-split' | 'held-out' | 'none';
  /** Where the adversarial prior's real poses came from, and how many. */
  realPoses: { source: 'store' | 'tubes'; frames: number };
}

/** `hmmr train`: backend, configuration, body model, features, data from the database, then the loop. */
export async function trainFromDatabase(options: TrainCommandOptions): Promise<TrainCommandResult> {
  const unlock = lockRunFolder(options.outDir);
  try {
    return await trainLocked(options);
  } finally {
    unlock();
  }
}

async function trainLocked(options: TrainCommandOptions): Promise<TrainCommandResult> {
  const backend = await initBackend(options.backend);
  options.onBackend?.(backend);
  if (options.resume && options.init) throw new UsageError('--init starts a new run from other weights; --resume continues this one: give one of them');
  let config: TrainConfig;
  const init = options.init === undefined ? undefined : readCheckpoint(options.init, { withOptimizer: false });
  if (options.resume) {
    const latest = latestCheckpointDir(options.outDir);
    if (!latest) throw new UsageError(`--resume: ${options.outDir} holds no checkpoint to resume from`);
    config = readCheckpointInfo(latest).config;
  } else {
    config = options.config === undefined && init ? init.config : loadTrainConfig(options.config ?? 'cpu');
  }
  if (init && JSON.stringify(init.config.model) !== JSON.stringify(config.model)) {
    throw new BadInputFileError(options.init!, `--init: its model ('${init.config.name}', width ${init.config.model.width}) differs from config '${config.name}''s; leave --config out to fine-tune with the checkpoint's own`);
  }
  const body = loadTrainingBodyModel(config.bodyModel);
  const extractor = await createFeatureExtractor(config.features, { visibilityThreshold: config.data.visibilityThreshold });
  try {
    if (init && (init.features.extractor !== extractor.id || init.features.sha !== extractor.sha)) {
      throw new BadInputFileError(options.init!, `--init: trained on '${init.features.extractor}' features (${init.features.sha.slice(0, 12)}), this run extracts '${extractor.id}' (${extractor.sha.slice(0, 12)})`);
    }
    const cache = new FeatureCache(options.featureCacheDir ?? `${options.dbPath}.features`);
    const loadOptions = { extractor, cache, signal: options.signal, onTube: options.onLoadProgress };
    const selected = await loadSequences(options.db, options.dbPath, { split: options.split, tiers: options.tiers }, loadOptions);
    if (selected.length === 0) {
      throw new UsageError(`no ${options.split} tubes${options.tiers ? ` of tier ${options.tiers.join('/')}` : ''} in ${options.dbPath}: run hmmr track (video) or hmmr synth (synthetic MoCap) first`);
    }
    // Validation: the val split's 3D tubes when the database has them, else a share of the training
    // ones (held out only when the run validates).
    const validates = config.schedule.validateEvery > 0;
    const valSplit = !validates || options.split === 'val' ? [] : (await loadSequences(options.db, options.dbPath, { split: 'val', tiers: options.tiers }, loadOptions)).filter((sequence) => sequence.groundTruth);
    const heldOut = !validates || valSplit.length > 0 ? new Set<TrainingSequence>() : chooseValidationSequences(selected, config.data.validationFraction);
    const sequences = selected.filter((sequence) => !heldOut.has(sequence));
    const validation = valSplit.length > 0 ? valSplit : [...heldOut];
    const validationSource = valSplit.length > 0 ? 'val-split' : heldOut.size > 0 ? 'held-out' : 'none';
    const realPoses = choosePoseBank(config.data.poseBank, options.db, options.dbPath, sequences);
    options.onNote?.(realPoses.description);
    if (init && modelKind(config) === 'vp3d') throw new UsageError('--init fine-tunes HMMR checkpoints; the VideoPose3D lifter trains from scratch');
    const train = modelKind(config) === 'vp3d' ? runVp3dTraining : runTraining;
    const summary = await train({
      outDir: options.outDir,
      config,
      steps: options.steps,
      resume: options.resume,
      init,
      seed: options.seed,
      sequences,
      poseBank: realPoses.bank,
      validation,
      body,
      features: { extractor: extractor.id, dims: extractor.dims, sha: extractor.sha },
      signal: options.signal,
      threads: options.threads ?? defaultThreads(backend, config),
      backend: backend.name,
      onStep: options.onStep,
      onNote: options.onNote,
    });
    return { ...summary, backend, config, outDir: options.outDir, metricsPath: join(options.outDir, METRICS_FILE), sequenceCount: sequences.length, validationSource, realPoses: { source: realPoses.source, frames: realPoses.bank.size } };
  } finally {
    await extractor.close();
    body.dispose();
  }
}

/**
 * Gradient threads by backend and width, from `npm run bench train` on 2 cores (docs/training.md):
 * - wasm (one thread in Node): a second worker nearly halves a step at widths 256–1024 (1.7× at the
 *   cpu preset), not at 2048, where per-step costs that grow with the parameter count and do not
 *   split dominate (XNNPACK repacks every weight after each update, each thread loads and hands back
 *   100M values, Adam runs on the main thread).
 * - wasm-mlas: the products already use every core inside one thread. At the cpu preset neither a
 *   second worker (1210 ms/step) nor a second GEMM thread (1173) beat one trainer (1039); at the
 *   paper width two workers of one GEMM thread each did (3069 ms against 4187 for one trainer with 2
 *   GEMM threads), because the element-wise work there is large enough to split.
 * Small models (the tiny preset) stay on one thread: starting a worker costs more than it saves.
 * Native backends already use every core.
 */
export function defaultThreads(backend: BackendInfo, config: TrainConfig): number {
  const width = config.model.width;
  const cores = Math.max(1, Math.min(2, availableParallelism()));
  if (backend.name === 'wasm-mlas') return width >= 1536 ? cores : 1;
  if (backend.name !== 'wasm' || width < 256 || width > 1024) return 1;
  return cores;
}
