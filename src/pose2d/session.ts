/**
 * The one adapter around onnxruntime-node (nothing else in hmmr imports it). It opens a pose
 * network, proves before any video is touched that the file matches its descriptor (tensor names,
 * channel counts, output stride), and runs batches of preprocessed frames.
 *
 * GPU: `--device cuda` uses onnxruntime's CUDA execution provider. onnxruntime-node does not bundle
 * it (too large for npm); its postinstall script (node_modules/onnxruntime-node/script/install.js)
 * downloads it from NuGet on linux/x64 unless installation was skipped with
 * ONNXRUNTIME_NODE_INSTALL=skip / --onnxruntime-node-install=skip (hmmr's .npmrc skips it, so that
 * installs work offline and stay small). To opt in afterwards, with CUDA 12
 * and cuDNN 9 on the machine and ONNXRUNTIME_NODE_INSTALL unset:
 *   npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12
 * (older releases spell the flag --onnxruntime-node-install-cuda).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ort from 'onnxruntime-node';
import { ModelMismatchError, UsageError } from '../errors.js';
import { descriptorModelPath, type OutputChannels, type PoseModelDescriptor } from './descriptor.js';
import type { PoseMaps } from './maps.js';

export type InferenceDevice = 'cpu' | 'cuda';

export interface PoseSessionOptions {
  device?: InferenceDevice;
  /** Threads for one operator; default: every core (os.availableParallelism()). */
  intraOpNumThreads?: number;
  /**
   * Whether onnxruntime's intra-op threads spin while waiting for work (its default) instead of
   * sleeping. Pose sessions default to off (docs/pose2d.md, Throughput: measured per frame, spinning
   * threads took CPU from the labeller's own stages on a machine with as many cores as threads);
   * image backbone sessions keep onnxruntime's default unless it is set.
   */
  spinWait?: boolean;
}

export interface PoseSession {
  readonly descriptor: PoseModelDescriptor;
  readonly modelPath: string;
  readonly modelSha256: string;
  readonly device: InferenceDevice;
  /**
   * input: Float32 NCHW [batch, 3, height, width], already normalised (see preprocess.ts). Returns one
   * PoseMaps per image, views into the output tensors (no copy).
   */
  run(input: Float32Array, batch: number, height: number, width: number): Promise<PoseMaps[]>;
  /**
   * A tensor of `values` values to fill and hand to run(), which takes it over: the worker session
   * (worker-session.ts) gives back the ones its finished runs return, instead of a new allocation per
   * batch. Its contents are undefined: write every value.
   */
  inputTensor(values: number): Float32Array;
  /** run() calls it works on at once (session-pool.ts); 1 when absent. Callers keep this many in flight. */
  readonly parallelRuns?: number;
  close(): Promise<void>;
}

const CUDA_HELP =
  'the CUDA execution provider of onnxruntime-node is not installed (the project .npmrc skips its download); ' +
  'with CUDA 12 and cuDNN 9 present and ONNXRUNTIME_NODE_INSTALL unset, run ' +
  '`npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12` ' +
  '(see node_modules/onnxruntime-node/script/install.js), or use --device cpu';

/** Reads a model file whole (it is hashed for provenance and handed to onnxruntime as bytes). */
function readModelFile(modelPath: string): { path: string; bytes: Buffer; modelSha256: string } {
  const path = resolve(modelPath);
  if (!existsSync(path)) throw new ModelMismatchError(path, 'model file not found');
  const bytes = readFileSync(path);
  return { path, bytes, modelSha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * One InferenceSession on the chosen execution provider, intra-op threads = cores. A load failure
 * is the model's fault (ModelMismatchError) unless it is the CUDA provider that is missing.
 */
async function createSession(
  path: string,
  bytes: Buffer,
  device: InferenceDevice,
  options: PoseSessionOptions,
  extra: Pick<ort.InferenceSession.SessionOptions, 'interOpNumThreads' | 'executionMode'>,
): Promise<ort.InferenceSession> {
  if (device === 'cuda' && !cudaProviderInstalled()) throw new UsageError(`--device cuda: ${CUDA_HELP}`);
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: [device],
      intraOpNumThreads: options.intraOpNumThreads ?? availableParallelism(),
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      ...(options.spinWait === undefined ? {} : { extra: { session: { intra_op: { allow_spinning: options.spinWait ? '1' : '0' } } } }),
      ...extra,
    });
  } catch (error) {
    const reason = firstLine(error);
    if (device === 'cuda' && /cuda|provider|shared librar/i.test(reason)) throw new UsageError(`--device cuda: ${reason}; ${CUDA_HELP}`);
    throw new ModelMismatchError(path, `not a loadable ONNX model: ${reason}`);
  }
}

export async function openPoseSession(
  descriptor: PoseModelDescriptor,
  modelPath: string,
  options: PoseSessionOptions = {},
): Promise<PoseSession> {
  const { path, bytes, modelSha256 } = readModelFile(modelPath);
  const expectedSha = descriptor.model.sha256;
  if (expectedSha !== null && descriptorModelPath(descriptor) === path && expectedSha !== modelSha256) {
    throw new ModelMismatchError(path, `sha256 ${modelSha256} differs from ${expectedSha} in ${descriptor.path}: the file is damaged or replaced`);
  }
  const device = options.device ?? 'cpu';
  // Spin-waiting off unless asked for: the labeller's other stages need the cores (docs/pose2d.md, Throughput).
  const session = await createSession(path, bytes, device, { spinWait: false, ...options }, { interOpNumThreads: 1, executionMode: 'sequential' });

  const adapter = new OnnxPoseSession(session, descriptor, path, modelSha256, device);
  try {
    adapter.checkTensorNames();
    await adapter.probe();
  } catch (error) {
    await session.release();
    throw error;
  }
  return adapter;
}

class OnnxPoseSession implements PoseSession {
  /** Channel count each output must have: the end of the last channel range the descriptor puts in it. */
  private readonly outputChannels = new Map<string, number>();

  constructor(
    private readonly session: ort.InferenceSession,
    readonly descriptor: PoseModelDescriptor,
    readonly modelPath: string,
    readonly modelSha256: string,
    readonly device: InferenceDevice,
  ) {
    for (const range of [descriptor.heatmaps, descriptor.pafs]) {
      const end = range.firstChannel + range.channels;
      this.outputChannels.set(range.output, Math.max(end, this.outputChannels.get(range.output) ?? 0));
    }
  }

  private mismatch(reason: string): ModelMismatchError {
    return new ModelMismatchError(this.modelPath, `${reason} (descriptor ${this.descriptor.path})`);
  }

  /** Names and, where the graph declares them statically, channel counts. */
  checkTensorNames(): void {
    const { session, descriptor } = this;
    const inputName = descriptor.input.name;
    if (!session.inputNames.includes(inputName)) {
      throw this.mismatch(`has no input "${inputName}"; its inputs are ${JSON.stringify(session.inputNames)}`);
    }
    const inputMeta = session.inputMetadata.find((m) => m.name === inputName);
    if (inputMeta?.isTensor) {
      if (inputMeta.type !== 'float32') throw this.mismatch(`input "${inputName}" is ${inputMeta.type}, not float32`);
      if (inputMeta.shape.length !== 4) throw this.mismatch(`input "${inputName}" has rank ${inputMeta.shape.length}, not 4 (NCHW)`);
      const channels = inputMeta.shape[1];
      if (typeof channels === 'number' && channels !== 3) throw this.mismatch(`input "${inputName}" has ${channels} channels, not 3`);
    }
    for (const [name, channels] of this.outputChannels) {
      if (!session.outputNames.includes(name)) {
        throw this.mismatch(`has no output "${name}"; its outputs are ${JSON.stringify(session.outputNames)}`);
      }
      const meta = session.outputMetadata.find((m) => m.name === name);
      const declared = meta?.isTensor ? meta.shape[1] : undefined;
      if (typeof declared === 'number' && declared !== channels) {
        throw this.mismatch(`output "${name}" has ${declared} channels, the descriptor needs ${channels}`);
      }
    }
  }

  /** One tiny zero image: proves channel counts and the stride even when the graph's shapes are symbolic. */
  async probe(): Promise<void> {
    const side = this.descriptor.stride * 8;
    try {
      await this.run(new Float32Array(3 * side * side), 1, side, side);
    } catch (error) {
      if (error instanceof ModelMismatchError) throw error;
      throw this.mismatch(`failed on a ${side}×${side} test image: ${firstLine(error)}`);
    }
  }

  async run(input: Float32Array, batch: number, height: number, width: number): Promise<PoseMaps[]> {
    const expectedLength = batch * 3 * height * width;
    if (input.length !== expectedLength) throw new RangeError(`input holds ${input.length} values, [${batch},3,${height},${width}] needs ${expectedLength}`);
    const feeds = { [this.descriptor.input.name]: new ort.Tensor('float32', input, [batch, 3, height, width]) };
    const results = await this.session.run(feeds);
    const stride = this.descriptor.stride;
    const mapHeight = Math.ceil(height / stride);
    const mapWidth = Math.ceil(width / stride);
    for (const [name, channels] of this.outputChannels) {
      const tensor = results[name];
      const dims = tensor?.dims ?? [];
      const ok = tensor !== undefined && tensor.type === 'float32' && dims.length === 4 && dims[0] === batch && dims[1] === channels;
      if (!ok) throw this.mismatch(`output "${name}" is ${tensor?.type ?? 'missing'} [${dims.join(',')}], expected float32 [${batch},${channels},h,w]`);
      if (dims[2] !== mapHeight || dims[3] !== mapWidth) {
        throw this.mismatch(`output "${name}" is ${dims[2]}×${dims[3]} for a ${height}×${width} input, which is not stride ${stride}`);
      }
    }
    const cells = mapHeight * mapWidth;
    const view = (range: OutputChannels, image: number): Float32Array => {
      const data = results[range.output]!.data as Float32Array;
      const start = (image * this.outputChannels.get(range.output)! + range.firstChannel) * cells;
      return data.subarray(start, start + range.channels * cells);
    };
    const maps: PoseMaps[] = [];
    for (let image = 0; image < batch; image++) {
      maps.push({ width: mapWidth, height: mapHeight, heatmaps: view(this.descriptor.heatmaps, image), pafs: view(this.descriptor.pafs, image) });
    }
    return maps;
  }

  /** In-process runs leave the input with the caller, who may still read it: nothing to recycle. */
  inputTensor(values: number): Float32Array {
    return new Float32Array(values);
  }

  close(): Promise<void> {
    return this.session.release();
  }
}

/** onnxruntime-node keeps optional providers next to its binding; the CUDA one is only there after opting in. */
function cudaProviderInstalled(): boolean {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('onnxruntime-node/package.json'));
  const binDir = join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(binDir, library));
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * A generic image network: one float32 NCHW input, the first output returned whole. Not a pose
 * model (no descriptor); training's `onnx:<model>` feature backbones run through it, so that this
 * file stays the only importer of onnxruntime-node.
 */
export interface ImageModelSession {
  readonly modelPath: string;
  readonly modelSha256: string;
  run(input: Float32Array, dims: readonly [number, number, number, number]): Promise<{ data: Float32Array; dims: number[] }>;
  close(): Promise<void>;
}

export async function openImageModelSession(modelPath: string, options: PoseSessionOptions = {}): Promise<ImageModelSession> {
  const { path, bytes, modelSha256 } = readModelFile(modelPath);
  const session = await createSession(path, bytes, options.device ?? 'cpu', options, {});
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (session.inputNames.length !== 1 || !inputName || !outputName) {
    await session.release();
    throw new ModelMismatchError(path, `an image backbone needs exactly one input, this model has ${JSON.stringify(session.inputNames)}`);
  }
  return {
    modelPath: path,
    modelSha256,
    async run(input, dims) {
      let results: ort.InferenceSession.OnnxValueMapType;
      try {
        results = await session.run({ [inputName]: new ort.Tensor('float32', input, [...dims]) });
      } catch (error) {
        throw new ModelMismatchError(path, `failed on a [${dims.join(',')}] input: ${firstLine(error)}`);
      }
      const output = results[outputName]!;
      if (output.type !== 'float32') throw new ModelMismatchError(path, `output "${outputName}" is ${output.type}, not float32`);
      return { data: output.data as Float32Array, dims: [...output.dims] };
    },
    close: () => session.release(),
  };
}
