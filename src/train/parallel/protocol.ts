import type { TrainConfig } from '../config.js';
import type { TrainingSequence } from '../data/sequence.js';
import type { MicroOutcome } from '../train-step.js';

/** Where each parameter lives in the shared value and gradient buffers (float32 offsets). */
export interface ParameterSlot {
  side: 'encoder' | 'discriminator';
  name: string;
  offset: number;
  length: number;
}

export interface WorkerInit {
  backend: string;
  /** Threads of each native GEMM call in this worker (wasm-mlas): the cores divided among the workers. */
  gemmThreads: number;
  config: TrainConfig;
  seed: number;
  featureDims: number;
  /** Typed arrays backed by SharedArrayBuffers: every worker reads the same memory. */
  sequences: TrainingSequence[];
  slots: ParameterSlot[];
  /** Current parameter values, written by the main thread after each update. */
  values: Float32Array;
  /** This worker's gradient sums, read by the main thread after each step. */
  grads: Float32Array;
  adversarial: boolean;
  /** The main thread's pose bank (the discriminator's reals), [N × 72]. */
  realPoses: Float32Array;
}

export interface MicroBatchPlan {
  windows: { sequence: number; start: number; flip: boolean }[];
  seed: number;
}

export type WorkerRequest = { kind: 'step'; microBatches: MicroBatchPlan[]; scale: number } | { kind: 'close' };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'done'; outcomes: MicroOutcome[] }
  | { kind: 'failed'; message: string; className: string; path?: string; reason?: string };
