/**
 * The only place that chooses a tfjs backend. Everything else imports `tf` from ./tf.js and runs on
 * whatever was chosen here.
 *
 * Preference for `auto`: tfjs-node-gpu (installed AND an NVIDIA driver present) → tfjs-node →
 * wasm-mlas (tfjs-wasm with its matMuls on onnxruntime's native MLAS GEMM, src/tf) → wasm (SIMD;
 * Node has no wasm threads here) → cpu (pure JS). The two native packages are
 * optionalDependencies that fail to install where libtensorflow cannot be downloaded, so they are
 * loaded by dynamic import inside try/catch and their absence is a normal outcome, not an error.
 * `--backend NAME` (or HMMR_BACKEND) forces one; a forced backend that cannot start is a UsageError
 * naming why. `wasm-mlas` starts only when the native GEMM loads and agrees with tfjs-wasm's own
 * kernels on a self-test; otherwise `auto` runs plain `wasm` and its description says why.
 *
 * Known limits of the wasm backend (measured, tfjs 4.22): no Conv2DBackpropFilter, so tf.conv1d
 * cannot be trained there; no UnsortedSegmentSum, so tf.gather has no gradient there; matMul with
 * transposeA/transposeB is about 10x slower than without. src/body works around all three.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { envConfig } from '../env.js';
import { UsageError } from '../errors.js';
import { BACKEND_CHOICES, BACKEND_NAMES, type BackendChoice, type BackendName } from './backend-names.js';
import { selfTestGemm } from './gemm-self-test.js';
import { MlasGemm } from './mlas-gemm.js';
import { useGemmEngine, type GemmEngine } from './mlas-kernels.js';
import * as tf from './tf.js';


export interface BackendInfo {
  /** hmmr's name for what runs. */
  name: BackendName;
  /** tfjs's registry name ('tensorflow' for both native packages). */
  tfBackend: string;
  /** One line for logs, e.g. "wasm + mlas (SIMD, 1 thread; matMul on onnxruntime MLAS, 2 threads)". */
  description: string;
  /** Backends `auto` tried before this one and why each was skipped. */
  skipped: readonly { name: BackendName; reason: string }[];
}

/** What the selection needs from the machine; tests replace parts of it. */
export interface BackendProbes {
  /** Whether a package can be resolved from here (without loading it). */
  isInstalled(packageName: string): boolean;
  /** Loads a package for its side effect (registering a backend); throws when it cannot load. */
  load(packageName: string): Promise<void>;
  hasNvidiaGpu(): boolean;
  /** The native GEMM for wasm-mlas with this many threads, or why there is none. */
  openGemm(threads: number): GemmEngine | string;
}

export interface BackendOptions {
  /** Threads of each native GEMM call (wasm-mlas); default: every core. */
  gemmThreads?: number;
}

const NATIVE_PACKAGES = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
} as const;

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

export const defaultProbes: BackendProbes = {
  isInstalled(packageName) {
    try {
      require.resolve(packageName);
      return true;
    } catch {
      return false;
    }
  },
  async load(packageName) {
    // A variable specifier keeps TypeScript from requiring type declarations for optional packages.
    const specifier: string = packageName;
    await import(specifier);
  },
  hasNvidiaGpu() {
    if (existsSync('/proc/driver/nvidia/version')) return true;
    try {
      execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  },
  openGemm: (threads) => MlasGemm.open(threads),
};

/** Validates a --backend / HMMR_BACKEND value. */
export function parseBackendChoice(value: string): BackendChoice {
  const choice = BACKEND_CHOICES.find((candidate) => candidate === value);
  if (!choice) throw new UsageError(`unknown backend '${value}'; choose one of ${BACKEND_CHOICES.join(', ')}`);
  return choice;
}

let current: { choice: BackendChoice; probes: BackendProbes; gemmThreads: number; info: BackendInfo } | undefined;

/** The backend initBackend chose, or undefined before the first call. */
export function currentBackend(): BackendInfo | undefined {
  return current?.info;
}

/**
 * Starts a tfjs backend and returns what runs. Call it once before creating any tensor (tensors
 * made earlier would start tfjs's own default backend). Calling it again with the same choice is
 * free; another choice switches backends (existing tensors move lazily).
 */
export async function initBackend(
  choice: BackendChoice | string = envConfig.tfBackend ?? 'auto',
  probes: BackendProbes = defaultProbes,
  options: BackendOptions = {},
): Promise<BackendInfo> {
  const wanted = parseBackendChoice(choice);
  const gemmThreads = Math.max(1, options.gemmThreads ?? availableParallelism());
  if (current?.choice === wanted && current.probes === probes && current.gemmThreads === gemmThreads && tf.getBackend() === current.info.tfBackend) {
    return current.info;
  }
  const start = { probes, gemmThreads };
  const info = wanted === 'auto' ? await startFirstAvailable(start) : await startForced(wanted, start);
  current = { choice: wanted, probes, gemmThreads, info };
  return info;
}

interface StartContext {
  probes: BackendProbes;
  gemmThreads: number;
}

async function startForced(name: BackendName, start: StartContext): Promise<BackendInfo> {
  const outcome = await tryStart(name, start, true);
  if (typeof outcome === 'string') throw new UsageError(`backend '${name}' is not available: ${outcome}`);
  return outcome;
}

async function startFirstAvailable(start: StartContext): Promise<BackendInfo> {
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of BACKEND_NAMES) {
    const outcome = await tryStart(name, start, false);
    if (typeof outcome !== 'string') {
      // The one case worth a word in the backend line: the fast path exists but could not be used.
      const gemmSkipped = name === 'wasm' ? skipped.find((s) => s.name === 'wasm-mlas') : undefined;
      const description = gemmSkipped ? `${outcome.description.slice(0, -1)}; native GEMM off: ${gemmSkipped.reason})` : outcome.description;
      return { ...outcome, description, skipped };
    }
    skipped.push({ name, reason: outcome });
  }
  // Unreachable in practice: the cpu backend ships with tfjs itself.
  throw new UsageError(`no tfjs backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** Starts one backend; returns its info, or the reason it cannot run. */
async function tryStart(name: BackendName, { probes, gemmThreads }: StartContext, forced: boolean): Promise<BackendInfo | string> {
  // Only wasm-mlas routes matMuls to the native GEMM; every other choice runs the backend's own.
  useGemmEngine(undefined);
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      const packageName = NATIVE_PACKAGES[name];
      if (!probes.isInstalled(packageName)) {
        return `${packageName} is not installed (npm install ${packageName}; it downloads libtensorflow at install time)`;
      }
      if (name === 'tfjs-node-gpu' && !forced && !probes.hasNvidiaGpu()) {
        return 'no NVIDIA GPU driver found';
      }
      try {
        await probes.load(packageName);
      } catch (error) {
        return `${packageName} failed to load: ${firstLine(error)}`;
      }
      return (await activate('tensorflow'))
        ? describe(name, 'tensorflow', name === 'tfjs-node-gpu' ? 'libtensorflow, CUDA' : 'libtensorflow, CPU')
        : `${packageName} loaded but its 'tensorflow' backend did not start`;
    }
    case 'wasm-mlas': {
      const started = await startWasm();
      if (typeof started === 'string') return started;
      const gemm = probes.openGemm(gemmThreads);
      if (typeof gemm === 'string') return gemm;
      const disagreement = selfTestGemm(gemm);
      if (disagreement) return `self-test failed: ${disagreement}`;
      useGemmEngine(gemm);
      const detail = `${started.detail}; matMul on onnxruntime MLAS, ${gemm.threads} thread${gemm.threads > 1 ? 's' : ''}`;
      return { ...describe(name, 'wasm', detail), description: `wasm + mlas (${detail})` };
    }
    case 'wasm': {
      const started = await startWasm();
      return typeof started === 'string' ? started : describe(name, 'wasm', started.detail);
    }
    case 'cpu':
      return (await activate('cpu')) ? describe(name, 'cpu', 'plain JavaScript, slowest') : 'the cpu backend did not start';
  }
}

/** Starts tfjs-wasm; returns its threading detail ("SIMD, 1 thread"), or why it cannot start. */
async function startWasm(): Promise<{ detail: string } | string> {
  const restoreListeners = snapshotProcessErrorListeners();
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries sit next to the package's Node entry point (dist/). Its loader finds them
    // through its own __dirname, which stops being true once hmmr is bundled; naming the folder
    // resolved from node_modules keeps both cases working.
    wasm.setWasmPaths(dirname(require.resolve(WASM_PACKAGE)) + '/');
  } catch (error) {
    return `${WASM_PACKAGE} failed to load: ${firstLine(error)}`;
  }
  const started = await activate('wasm');
  restoreListeners();
  if (!started) return 'the wasm backend did not start';
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return { detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : '1 thread'}` };
}

/**
 * The wasm backend's Emscripten runtime installs process 'uncaughtException' and
 * 'unhandledRejection' handlers that only rethrow, which makes Node print the whole minified
 * runtime (hundreds of KiB) as the "source line" of any later crash. Removing them restores
 * Node's normal report and changes nothing else.
 */
function snapshotProcessErrorListeners(): () => void {
  const exceptionBefore = new Set(process.listeners('uncaughtException'));
  const rejectionBefore = new Set(process.listeners('unhandledRejection'));
  return () => {
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptionBefore.has(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejectionBefore.has(listener)) process.removeListener('unhandledRejection', listener);
    }
  };
}

async function activate(tfBackend: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(tfBackend);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === tfBackend;
  } catch {
    return false;
  }
}

function describe(name: BackendName, tfBackend: string, detail: string): BackendInfo {
  return { name, tfBackend, description: `${name} (${detail})`, skipped: [] };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
