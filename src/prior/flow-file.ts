/**
 * A trained pose prior on disk: a folder holding
 *   prior.json          the manifest: architecture, the input standardisation, how it was trained,
 *                       and the tensors of the weights file it names, with that file's sha256;
 *   weights-<step>.bin  little-endian float32: the flow's weights, then (for resuming) Adam's
 *                       first and second moments in the same order.
 * Writes are atomic: the new weights file is written and fsynced under its own name, then a
 * temporary manifest is renamed over prior.json (the commit point), then the older weights file
 * is removed. A crash at any point leaves prior.json naming a whole, verified weights file.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputFileError } from '../errors.js';
import type { FlowArchitecture } from './flow-architecture.js';
import { PoseFlow, weightShapes, type FlowNormalization, type FlowWeights } from './pose-flow.js';

export const PRIOR_MANIFEST = 'prior.json';
const FORMAT = 'hmmr-pose-flow';
const VERSION = 1;

/** How the prior was trained (shown by `hmmr prior sample` and kept for reproduction). */
export interface FlowTrainingRecord {
  /** Where the poses came from, e.g. 'pose_bank (12 clips)' or 'motion generator (seed 7)'. */
  source: string;
  trainPoses: number;
  heldOutPoses: number;
  step: number;
  totalSteps: number;
  seed: number;
  batchSize: number;
  learningRate: number;
  /** Std (radians) of the Gaussian noise added to training poses (dequantisation). */
  noiseStd: number;
  /** Mean −log p(θ) per pose, nats, on the last training batch and on the held-out poses (noised alike). */
  trainNll: number | null;
  heldOutNll: number | null;
}

export interface SavedFlow {
  architecture: FlowArchitecture;
  normalization: FlowNormalization;
  training: FlowTrainingRecord;
  weights: FlowWeights;
  /** Adam's state for resuming: the iteration count and the moments, first then second, in weight order. */
  optimizer?: { iterations: number; moments: Float32Array[] };
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
  architecture: FlowArchitecture;
  normalization: { mean: number[]; std: number[] };
  training: FlowTrainingRecord;
  file: string;
  byteLength: number;
  sha256: string;
  tensors: TensorEntry[];
  optimizer: { iterations: number; tensors: TensorEntry[] } | null;
}

export function writeFlow(dir: string, flow: SavedFlow): void {
  mkdirSync(dir, { recursive: true });
  const file = `weights-${String(flow.training.step).padStart(7, '0')}.bin`;
  const tensors: TensorEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], values: Float32Array, into: TensorEntry[]) => {
    into.push({ name, shape, offset, length: values.length });
    chunks.push(values);
    offset += values.length;
  };
  for (const [name, shape] of weightShapes(flow.architecture)) add(name, shape, flow.weights.get(name)!, tensors);
  const optimizerTensors: TensorEntry[] = [];
  flow.optimizer?.moments.forEach((values, i) => add(`moment${i}`, [values.length], values, optimizerTensors));

  const hash = createHash('sha256');
  const path = join(dir, file);
  const fd = openSync(path, 'w');
  try {
    for (const chunk of chunks) {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      hash.update(bytes);
      writeSync(fd, bytes);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const manifest: Manifest = {
    format: FORMAT,
    version: VERSION,
    architecture: flow.architecture,
    normalization: { mean: Array.from(flow.normalization.mean), std: Array.from(flow.normalization.std) },
    training: flow.training,
    file,
    byteLength: offset * 4,
    sha256: hash.digest('hex'),
    tensors,
    optimizer: flow.optimizer ? { iterations: flow.optimizer.iterations, tensors: optimizerTensors } : null,
  };
  const temp = join(dir, `.${PRIOR_MANIFEST}.tmp-${process.pid}`);
  const manifestFd = openSync(temp, 'w');
  try {
    writeSync(manifestFd, `${JSON.stringify(manifest, null, 1)}\n`);
    fsyncSync(manifestFd);
  } finally {
    closeSync(manifestFd);
  }
  renameSync(temp, join(dir, PRIOR_MANIFEST));
  for (const name of readdirSync(dir)) if (/^weights-\d+\.bin$/.test(name) && name !== file) rmSync(join(dir, name), { force: true });
}

export function hasFlow(dir: string): boolean {
  return existsSync(join(dir, PRIOR_MANIFEST));
}

/** Reads and verifies a prior folder; every problem is a BadInputFileError naming the file. */
export function readFlow(dir: string): SavedFlow {
  const manifestPath = join(dir, PRIOR_MANIFEST);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputFileError(manifestPath, code === 'ENOENT' ? 'no pose prior here (train one with hmmr prior train --out <dir>)' : `not a readable pose prior manifest: ${(error as Error).message}`);
  }
  if (manifest.format !== FORMAT || manifest.version !== VERSION) throw new BadInputFileError(manifestPath, `not an ${FORMAT} v${VERSION} manifest`);
  const binPath = join(dir, manifest.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(binPath);
  } catch (error) {
    throw new BadInputFileError(binPath, `cannot read the prior's weights: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (bytes.length !== manifest.byteLength) throw new BadInputFileError(binPath, `holds ${bytes.length} bytes, the manifest says ${manifest.byteLength} (truncated?)`);
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.sha256) throw new BadInputFileError(binPath, 'sha256 does not match the manifest (corrupt prior)');
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const take = (entry: TensorEntry) => floats.slice(entry.offset, entry.offset + entry.length);
  const shapes = weightShapes(manifest.architecture);
  const weights: FlowWeights = new Map();
  for (const entry of manifest.tensors) weights.set(entry.name, take(entry));
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (weights.get(name)?.length !== size) throw new BadInputFileError(manifestPath, `weight '${name}' missing or of the wrong size`);
  }
  return {
    architecture: manifest.architecture,
    normalization: { mean: Float32Array.from(manifest.normalization.mean), std: Float32Array.from(manifest.normalization.std) },
    training: manifest.training,
    weights,
    optimizer: manifest.optimizer ? { iterations: manifest.optimizer.iterations, moments: manifest.optimizer.tensors.map(take) } : undefined,
  };
}

/** A prior folder → the flow, ready to score poses (its optimizer state is not loaded). */
export function loadPoseFlow(dir: string): PoseFlow {
  const saved = readFlow(dir);
  return new PoseFlow(saved.architecture, saved.normalization, saved.weights);
}
