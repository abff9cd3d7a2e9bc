import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BadInputFileError } from '../errors.js';
import { projectPath } from '../util/project-root.js';
import { parseTrainConfig, presetConfig, type TrainConfig } from './config.js';
import type { AdamState } from './optim/adam.js';
import type { RngState } from './rng.js';

/*
 * Checkpoint format (version 1), one folder per saved step, `<out>/ckpt-00001000/`:
 *   manifest.json  — { format: "hmmr-checkpoint", version: 1, step, createdAt, config, seed,
 *                      rngState, features: {extractor, dims, sha}, bodyModel, optimizerSteps,
 *                      tensors: [{ name, shape, offset, length }], byteLength, sha256, weightsSha256 }
 *   tensors.bin    — every tensor as little-endian float32, concatenated in manifest order;
 *                    offset/length count float32 elements. Names: `encoder/<param>` and
 *                    `discriminator/<param>` (weights), with `.adam_m` / `.adam_v` suffixes for
 *                    Adam's moments. sha256 is of tensors.bin; weightsSha256 of the weight tensors alone (in
 *                    order), so prediction verifies what it reads without reading the optimiser state.
 * `<out>/latest.json` = { "checkpoint": "ckpt-00001000", "step": 1000 } names the newest one.
 * Writes are atomic: a temp folder is written and fsynced, then renamed into place, then
 * latest.json is replaced the same way, so a crash leaves the previous checkpoint intact. Re-saving
 * a step that has a folder goes through `ckpt-…​.new` (see replaceCheckpointFolder), so at every
 * instant latest.json resolves to a whole checkpoint. Every load verifies a sha256.
 */
export const CHECKPOINT_FORMAT = 'hmmr-checkpoint';
/**
 * The checkpoint shipped in the repo (weights only, the `embedded` preset, trained by
 * scripts/train-embedded.sh on synthetic data): predict's and eval's default, the demo's start.
 */
export const SHIPPED_CHECKPOINT_NAME = 'models/hmmr-embedded';
export const SHIPPED_CHECKPOINT = projectPath('models', 'hmmr-embedded');
export const CHECKPOINT_VERSION = 1;
const MANIFEST = 'manifest.json';
const TENSORS = 'tensors.bin';
const LATEST = 'latest.json';
/** A replacement copy of a step's folder, between writing it and renaming it into place. */
const REPLACEMENT_SUFFIX = '.new';

export interface FeatureIdentity {
  /** 'keypoints' or 'onnx:<path>'. */
  extractor: string;
  dims: number;
  /** Identity of the extractor's weights/version: features from another sha do not fit. */
  sha: string;
}

/** One optimiser's side of the model: parameter shapes and values, and its Adam state. */
export interface OptimizedParameters {
  shapes: ReadonlyMap<string, readonly number[]>;
  values: ReadonlyMap<string, Float32Array>;
  adam?: AdamState;
}

export interface CheckpointContent {
  step: number;
  config: TrainConfig;
  seed: number;
  rngState: RngState;
  features: FeatureIdentity;
  bodyModel: string;
  encoder: OptimizedParameters;
  discriminator: OptimizedParameters;
}

interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

interface Manifest {
  format: string;
  version: number;
  step: number;
  createdAt: string;
  config: TrainConfig;
  seed: number;
  rngState: RngState;
  features: FeatureIdentity;
  bodyModel: string;
  optimizerSteps: { encoder: number; discriminator: number };
  tensors: TensorEntry[];
  byteLength: number;
  sha256: string;
  /** Absent in checkpoints written before it existed: then the whole file is verified. */
  weightsSha256?: string;
}

/** The points of a checkpoint write after which a crash can happen (a test injects faults there). */
export type CheckpointWriteStage = 'folder-written' | 'replacement-pointed' | 'old-removed' | 'renamed' | 'latest-pointed';

export function checkpointDirName(step: number): string {
  return `ckpt-${String(step).padStart(8, '0')}`;
}

/**
 * Writes a checkpoint atomically under `outDir`, points latest.json at it, prunes to `keep`. Returns
 * its folder. `afterStage` is called after each durable step (fault-injection tests throw there).
 */
export function writeCheckpoint(outDir: string, content: CheckpointContent, keep: number, afterStage?: (stage: CheckpointWriteStage) => void): string {
  mkdirSync(outDir, { recursive: true });
  const finalDir = join(outDir, checkpointDirName(content.step));
  const tempDir = join(outDir, `.${checkpointDirName(content.step)}.tmp-${process.pid}`);
  rmSync(tempDir, { recursive: true, force: true });
  mkdirSync(tempDir);

  const tensors: TensorEntry[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, shape: readonly number[], values: Float32Array) => {
    tensors.push({ name, shape: [...shape], offset, length: values.length });
    arrays.push(values);
    offset += values.length;
  };
  for (const [side, params] of [['encoder', content.encoder], ['discriminator', content.discriminator]] as const) {
    for (const [name, values] of params.values) {
      const shape = params.shapes.get(name) ?? [values.length];
      add(`${side}/${name}`, shape, values);
      if (params.adam) {
        add(`${side}/${name}.adam_m`, shape, params.adam.firstMoment.get(name)!);
        add(`${side}/${name}.adam_v`, shape, params.adam.secondMoment.get(name)!);
      }
    }
  }

  const hash = createHash('sha256');
  const weightsHash = createHash('sha256');
  const fd = openSync(join(tempDir, TENSORS), 'w');
  try {
    arrays.forEach((array, i) => {
      const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
      hash.update(bytes);
      if (!isOptimizerTensor(tensors[i]!.name)) weightsHash.update(bytes);
      writeAll(fd, bytes);
    });
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const manifest: Manifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: content.step,
    createdAt: new Date().toISOString(),
    config: content.config,
    seed: content.seed,
    rngState: content.rngState,
    features: content.features,
    bodyModel: content.bodyModel,
    optimizerSteps: { encoder: content.encoder.adam?.step ?? 0, discriminator: content.discriminator.adam?.step ?? 0 },
    tensors,
    byteLength: offset * 4,
    sha256: hash.digest('hex'),
    weightsSha256: weightsHash.digest('hex'),
  };
  writeFileDurably(join(tempDir, MANIFEST), JSON.stringify(manifest, null, 1));
  fsyncPath(tempDir);
  afterStage?.('folder-written');
  if (existsSync(finalDir)) {
    replaceCheckpointFolder(outDir, tempDir, finalDir, content.step, afterStage);
  } else {
    renameSync(tempDir, finalDir);
    fsyncPath(outDir);
    afterStage?.('renamed');
  }
  pointLatestAt(outDir, basename(finalDir), content.step);
  afterStage?.('latest-pointed');
  pruneCheckpoints(outDir, keep, basename(finalDir));
  return finalDir;
}

/**
 * Re-saving a step that already has a folder (a resumed run interrupted before its next checkpoint).
 * A folder cannot be renamed over a non-empty one, so the new copy becomes `<final>.new` and
 * latest.json points there before the old copy is moved aside (one atomic rename) and removed; then
 * it is renamed into place. A crash anywhere leaves latest.json naming a whole checkpoint: the old
 * folder, `.new`, or (after the last rename, before latest.json is rewritten) `.new`'s final name,
 * which latestCheckpointDir accepts.
 */
function replaceCheckpointFolder(outDir: string, tempDir: string, finalDir: string, step: number, afterStage?: (stage: CheckpointWriteStage) => void): void {
  const replacement = `${finalDir}${REPLACEMENT_SUFFIX}`;
  if (existsSync(replacement)) {
    // Left by a crash, and latest.json may name it: point back at the whole old folder first.
    pointLatestAt(outDir, basename(finalDir), step);
    rmSync(replacement, { recursive: true, force: true });
  }
  renameSync(tempDir, replacement);
  fsyncPath(outDir);
  pointLatestAt(outDir, basename(replacement), step);
  afterStage?.('replacement-pointed');
  const discarded = join(outDir, `.${basename(finalDir)}.old-${process.pid}`);
  renameSync(finalDir, discarded);
  fsyncPath(outDir);
  rmSync(discarded, { recursive: true, force: true });
  afterStage?.('old-removed');
  renameSync(replacement, finalDir);
  fsyncPath(outDir);
  afterStage?.('renamed');
}

function pointLatestAt(outDir: string, folder: string, step: number): void {
  const latestTemp = join(outDir, `.${LATEST}.tmp-${process.pid}`);
  writeFileDurably(latestTemp, JSON.stringify({ checkpoint: folder, step }) + '\n');
  renameSync(latestTemp, join(outDir, LATEST));
  fsyncPath(outDir);
}

function isOptimizerTensor(name: string): boolean {
  return name.includes('.adam_');
}

/**
 * The newest checkpoint folder of a run folder, or undefined when it has none. Without latest.json
 * (a crash between the first checkpoint's rename and its pointer) the newest `ckpt-N` folder is it:
 * folders only ever appear whole.
 */
export function latestCheckpointDir(outDir: string): string | undefined {
  const pointer = join(outDir, LATEST);
  if (!existsSync(pointer)) {
    const newest = existsSync(outDir) ? readdirSync(outDir).filter((name) => /^ckpt-\d+$/.test(name)).sort().at(-1) : undefined;
    return newest === undefined ? undefined : join(outDir, newest);
  }
  let parsed: { checkpoint?: unknown };
  try {
    parsed = JSON.parse(readFileSync(pointer, 'utf8')) as { checkpoint?: unknown };
  } catch (error) {
    throw new BadInputFileError(pointer, `unreadable: ${(error as Error).message}`);
  }
  if (typeof parsed.checkpoint !== 'string' || !/^ckpt-\d+(\.new)?$/.test(parsed.checkpoint)) throw new BadInputFileError(pointer, 'does not name a checkpoint folder');
  const named = join(outDir, parsed.checkpoint);
  // A replacement renamed into place just before a crash: its final name holds the same checkpoint.
  if (named.endsWith(REPLACEMENT_SUFFIX) && !existsSync(named)) return named.slice(0, -REPLACEMENT_SUFFIX.length);
  return named;
}

/** A checkpoint folder itself, or a run folder (its latest checkpoint). */
export function resolveCheckpointDir(path: string): string {
  if (existsSync(join(path, MANIFEST))) return path;
  const latest = latestCheckpointDir(path);
  if (!latest) throw new BadInputFileError(path, 'not a checkpoint: no manifest.json and no latest.json');
  return latest;
}

/** A checkpoint's manifest facts without its tensors. */
export function readCheckpointInfo(path: string): Pick<CheckpointContent, 'step' | 'config' | 'seed' | 'features' | 'bodyModel'> & { dir: string } {
  const dir = resolveCheckpointDir(path);
  const { step, config, seed, features, bodyModel } = parseManifest(join(dir, MANIFEST));
  return { dir, step, config, seed, features, bodyModel };
}

/**
 * Reads a checkpoint, verifying a sha256 of what it reads. Without `withOptimizer` only the weights
 * are read (prediction) and checked against weightsSha256 (older checkpoints, without it: the whole
 * file is read and checked); with it the whole file is read and checked against sha256 (resuming).
 */
export function readCheckpoint(path: string, options: { withOptimizer: boolean }): CheckpointContent {
  const dir = resolveCheckpointDir(path);
  const manifestPath = join(dir, MANIFEST);
  const manifest = parseManifest(manifestPath);
  const binPath = join(dir, TENSORS);
  let fd: number;
  try {
    fd = openSync(binPath, 'r');
  } catch (error) {
    throw new BadInputFileError(binPath, `cannot open: ${(error as NodeJS.ErrnoException).code}`);
  }
  try {
    const weightsOnly = !options.withOptimizer && manifest.weightsSha256 !== undefined;
    const expectedSha = weightsOnly ? manifest.weightsSha256 : manifest.sha256;
    const read = new Map<string, Float32Array>();
    const hash = createHash('sha256');
    for (const entry of manifest.tensors) {
      if (weightsOnly && isOptimizerTensor(entry.name)) continue;
      const bytes = Buffer.alloc(entry.length * 4);
      const got = readSync(fd, bytes, 0, bytes.length, entry.offset * 4);
      if (got !== bytes.length) throw new BadInputFileError(binPath, `truncated: tensor '${entry.name}' needs bytes ${entry.offset * 4}..${(entry.offset + entry.length) * 4}`);
      hash.update(bytes);
      if (options.withOptimizer || !isOptimizerTensor(entry.name)) read.set(entry.name, new Float32Array(bytes.buffer, bytes.byteOffset, entry.length));
    }
    if (hash.digest('hex') !== expectedSha) throw new BadInputFileError(binPath, `${weightsOnly ? 'weights sha256' : 'sha256'} does not match the manifest (corrupt checkpoint)`);
    const side = (prefix: 'encoder' | 'discriminator', steps: number): OptimizedParameters => {
      const shapes = new Map<string, readonly number[]>();
      const values = new Map<string, Float32Array>();
      const firstMoment = new Map<string, Float32Array>();
      const secondMoment = new Map<string, Float32Array>();
      for (const entry of manifest.tensors) {
        if (!entry.name.startsWith(prefix + '/')) continue;
        const local = entry.name.slice(prefix.length + 1);
        const data = read.get(entry.name);
        if (!data) continue;
        if (local.endsWith('.adam_m')) firstMoment.set(local.slice(0, -7), data);
        else if (local.endsWith('.adam_v')) secondMoment.set(local.slice(0, -7), data);
        else {
          shapes.set(local, entry.shape);
          values.set(local, data);
        }
      }
      return { shapes, values, adam: options.withOptimizer ? { step: steps, firstMoment, secondMoment } : undefined };
    };
    return {
      step: manifest.step,
      config: manifest.config,
      seed: manifest.seed,
      rngState: manifest.rngState,
      features: manifest.features,
      bodyModel: manifest.bodyModel,
      encoder: side('encoder', manifest.optimizerSteps.encoder),
      discriminator: side('discriminator', manifest.optimizerSteps.discriminator),
    };
  } finally {
    closeSync(fd);
  }
}

function parseManifest(path: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BadInputFileError(path, `unreadable manifest: ${(error as Error).message}`);
  }
  const manifest = json as Partial<Manifest>;
  if (manifest.format !== CHECKPOINT_FORMAT) throw new BadInputFileError(path, `not an hmmr checkpoint (format '${String(manifest.format)}')`);
  if (manifest.version !== CHECKPOINT_VERSION) throw new BadInputFileError(path, `checkpoint version ${String(manifest.version)}; this hmmr reads version ${CHECKPOINT_VERSION}`);
  const absent = REQUIRED_MANIFEST_KEYS.filter((key) => manifest[key] === undefined || manifest[key] === null);
  if (absent.length > 0) throw new BadInputFileError(path, `manifest lacks ${absent.join(', ')}`);
  if (!Number.isInteger(manifest.step) || !Array.isArray(manifest.tensors) || !Array.isArray(manifest.rngState) || typeof manifest.sha256 !== 'string') {
    throw new BadInputFileError(path, 'manifest has a malformed step, tensors, rngState or sha256');
  }
  // The stored config must be whole: a key filled in from a preset would silently train or predict
  // with another network than the one whose weights these are.
  // The model kind is recorded by the config itself: a vp3d section makes it a VideoPose3D checkpoint.
  const base = isPlainObject(manifest.config) && 'vp3d' in manifest.config ? 'vp3d-27' : 'paper';
  if (isPlainObject(manifest.config)) fillKeysAddedLater(manifest.config);
  const missing = missingKeys(presetConfig(base), manifest.config, 'config');
  if (missing.length > 0) throw new BadInputFileError(path, `manifest config lacks ${missing.join(', ')}`);
  // Re-validate the stored config so a hand-edited manifest fails here, not inside tfjs.
  const { name, ...rest } = manifest.config as TrainConfig;
  const config = parseTrainConfig({ extends: base, ...rest }, path);
  config.name = name;
  return { ...(manifest as Manifest), config };
}

/**
 * Config keys added after checkpoints were first written, each with the value that describes how a
 * checkpoint written before it was trained (not a preset's current default): the adversarial prior
 * alone, on the training tubes' poses, with every tube's 3D ground truth.
 */
const KEYS_ADDED_LATER: readonly { path: readonly string[]; value: unknown }[] = [
  { path: ['model', 'prior'], value: 'adversarial' },
  { path: ['loss', 'flowPrior'], value: 0 },
  { path: ['data', 'poseBank'], value: 'tubes' },
  { path: ['data', 'groundTruthFraction'], value: 1 },
  { path: ['flow'], value: { path: '' } },
  { path: ['schedule', 'bestMetric'], value: 'mpjpe' },
];

function fillKeysAddedLater(config: Record<string, unknown>): void {
  for (const { path, value } of KEYS_ADDED_LATER) {
    let parent: unknown = config;
    for (const key of path.slice(0, -1)) parent = isPlainObject(parent) ? parent[key] : undefined;
    const last = path[path.length - 1]!;
    if (isPlainObject(parent) && !(last in parent)) parent[last] = structuredClone(value);
  }
}

const REQUIRED_MANIFEST_KEYS = ['step', 'createdAt', 'config', 'seed', 'rngState', 'features', 'bodyModel', 'optimizerSteps', 'tensors', 'byteLength', 'sha256'] as const;

/** Key paths present in `reference` but absent from `value`, recursing into objects (not arrays). */
function missingKeys(reference: unknown, value: unknown, path: string): string[] {
  if (!isPlainObject(reference)) return [];
  if (!isPlainObject(value)) return [path];
  return Object.keys(reference).flatMap((key) => (key in value ? missingKeys(reference[key], value[key], `${path}.${key}`) : [`${path}.${key}`]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pruneCheckpoints(outDir: string, keep: number, newest: string): void {
  const names = readdirSync(outDir);
  const dirs = names.filter((name) => /^ckpt-\d+$/.test(name) && name !== newest).sort();
  const stale = [...dirs.slice(0, Math.max(0, dirs.length - (keep - 1))), ...names.filter((name) => /^ckpt-\d+\.new$/.test(name))];
  for (const old of stale) rmSync(join(outDir, old), { recursive: true, force: true });
}

function writeAll(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

function writeFileDurably(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
