/**
 * The labeller's network: one or more worker sessions (worker-session.ts) behind one PoseSession.
 * A network whose layers are too small to keep several threads busy (the fast model's depthwise
 * convolutions) runs faster as one single-thread session per core, each taking every n-th batch,
 * than as one session whose threads wait on each other at every layer (docs/pose2d.md, Throughput:
 * the fast model on 2 cores 1.3–1.5× the frames/s). Threads that wait on each other also wait for
 * whatever else holds a core, so on a busy machine the split helps the accurate model too (whole
 * process 1.05–1.4× on a shared host), at one activation arena per session. The maps do not depend
 * on the thread count (bit-identical), so neither do the labels.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import type { PoseModelDescriptor } from './descriptor.js';
import type { PoseMaps } from './maps.js';
import type { InferenceDevice, PoseSession, PoseSessionOptions } from './session.js';
import { TensorPool } from './tensor-pool.js';
import { openWorkerPoseSession } from './worker-session.js';

/** How the cores are split among sessions. */
export interface InferenceLayout {
  sessions: number;
  threadsPerSession: number;
}

/**
 * `threadsPerSession`: asked for (a flag), else the descriptor's runtime default, else every core in
 * one session. CUDA always gets one session: the GPU, not the CPU threads, runs the network.
 */
export function inferenceLayout(descriptor: PoseModelDescriptor, device: InferenceDevice, threadsPerSession?: number, cores = availableParallelism()): InferenceLayout {
  if (threadsPerSession !== undefined && !(Number.isInteger(threadsPerSession) && threadsPerSession >= 1)) {
    throw new UsageError(`--session-threads must be a positive integer, not ${threadsPerSession}`);
  }
  const threads = Math.min(cores, threadsPerSession ?? descriptor.threadsPerSession ?? cores);
  if (device === 'cuda') return { sessions: 1, threadsPerSession: threads };
  return { sessions: Math.max(1, Math.floor(cores / threads)), threadsPerSession: threads };
}

/** Opens the sessions of `layout` (each checks the model against its descriptor); one session is returned as is. */
export async function openPoseWorkers(descriptor: PoseModelDescriptor, modelPath: string, layout: InferenceLayout, options: Omit<PoseSessionOptions, 'intraOpNumThreads'> = {}): Promise<PoseSession> {
  const sessionOptions = { ...options, intraOpNumThreads: layout.threadsPerSession };
  if (layout.sessions === 1) return openWorkerPoseSession(descriptor, modelPath, sessionOptions);
  // One pool of input tensors: a batch's tensor may come back from any session and go to any other.
  const inputs = new TensorPool(2 * layout.sessions + 2);
  const opened = await Promise.allSettled(Array.from({ length: layout.sessions }, () => openWorkerPoseSession(descriptor, modelPath, sessionOptions, inputs)));
  const sessions = opened.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = opened.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await Promise.all(sessions.map((session) => session.close()));
    throw failure.reason;
  }
  return new PoseSessionPool(sessions, inputs);
}

/** Batches go to the sessions in turn; each session answers its own in order, so callers get theirs in order. */
class PoseSessionPool implements PoseSession {
  private next = 0;

  constructor(
    private readonly sessions: readonly PoseSession[],
    private readonly inputs: TensorPool,
  ) {}

  get descriptor(): PoseModelDescriptor {
    return this.sessions[0]!.descriptor;
  }

  get modelPath(): string {
    return this.sessions[0]!.modelPath;
  }

  get modelSha256(): string {
    return this.sessions[0]!.modelSha256;
  }

  get device(): InferenceDevice {
    return this.sessions[0]!.device;
  }

  get parallelRuns(): number {
    return this.sessions.length;
  }

  run(input: Float32Array, batch: number, height: number, width: number): Promise<PoseMaps[]> {
    const session = this.sessions[this.next]!;
    this.next = (this.next + 1) % this.sessions.length;
    return session.run(input, batch, height, width);
  }

  inputTensor(values: number): Float32Array {
    return this.inputs.take(values);
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((session) => session.close()));
  }
}
