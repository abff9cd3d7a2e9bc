/**
 * A PoseSession whose network runs in a worker thread (inference-worker.ts), so inference overlaps
 * with everything else the labeller does on the main thread. Same interface and the same up-front
 * model checks as openPoseSession; errors arrive as the same HmmrError classes. Several run() calls
 * may be outstanding: the worker answers them in order.
 *
 * run() takes ownership of `input`: its memory moves to the worker (no copy) and is detached here;
 * the worker moves it back with the maps, and inputTensor() hands it out again for a later batch.
 */
import { Worker } from 'node:worker_threads';
import { HmmrError, ModelMismatchError, UsageError } from '../errors.js';
import type { PoseModelDescriptor } from './descriptor.js';
import type { PoseMaps } from './maps.js';
import type { InferenceDevice, PoseSession, PoseSessionOptions } from './session.js';
import { TensorPool } from './tensor-pool.js';
import type { SerializedError, WorkerReply, WorkerRequest } from './worker-protocol.js';

function revive(error: SerializedError): Error {
  switch (error.className) {
    case 'ModelMismatchError':
      return new ModelMismatchError(error.path, error.reason ?? error.message);
    case 'UsageError':
      return new UsageError(error.reason ?? error.message);
    default:
      return error.reason !== undefined ? new HmmrError(error.path, error.reason) : new Error(error.message);
  }
}

/**
 * Starts the worker entry beside this file: the compiled .js directly, or, when running from
 * TypeScript sources under tsx, a two-line bootstrap that registers tsx in the worker first (since
 * Node 20.6 a worker does not inherit the parent's --import loader, so a .ts entry would not load).
 */
function startWorker(workerData: object): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./inference-worker.js', import.meta.url), { workerData });
  const entry = new URL('./inference-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => api.register()).then(() => import(${JSON.stringify(entry)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** `inputs`: where returned input tensors are kept; a pool of sessions shares one (session-pool.ts). */
export async function openWorkerPoseSession(descriptor: PoseModelDescriptor, modelPath: string, options: PoseSessionOptions = {}, inputs = new TensorPool()): Promise<PoseSession> {
  const worker = startWorker({ descriptor, modelPath, options });
  const modelSha256 = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`pose inference worker exited with code ${code} before it was ready`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (reply: WorkerReply) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (reply.kind === 'ready') resolve(reply.modelSha256);
      else if (reply.kind === 'open-failed') reject(revive(reply.error));
      else reject(new Error(`unexpected first message from the pose inference worker: ${reply.kind}`));
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  return new WorkerPoseSession(worker, descriptor, modelPath, modelSha256, options.device ?? 'cpu', inputs);
}

class WorkerPoseSession implements PoseSession {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (maps: PoseMaps[]) => void; reject: (error: unknown) => void }>();
  private crashed: Error | undefined;
  private closedSignal: (() => void) | undefined;

  constructor(
    private readonly worker: Worker,
    readonly descriptor: PoseModelDescriptor,
    readonly modelPath: string,
    readonly modelSha256: string,
    readonly device: InferenceDevice,
    private readonly inputs: TensorPool,
  ) {
    worker.on('message', (reply: WorkerReply) => this.receive(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      this.failAll(new Error(`pose inference worker exited with code ${code}`));
      this.closedSignal?.();
    });
  }

  run(input: Float32Array, batch: number, height: number, width: number): Promise<PoseMaps[]> {
    if (this.crashed) return Promise.reject(this.crashed);
    const id = this.nextId++;
    const request: WorkerRequest = { kind: 'run', id, input, batch, height, width };
    return new Promise<PoseMaps[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request, [input.buffer as ArrayBuffer]);
    });
  }

  inputTensor(values: number): Float32Array {
    return this.inputs.take(values);
  }

  async close(): Promise<void> {
    if (this.crashed) return;
    const exited = new Promise<void>((resolve) => (this.closedSignal = resolve));
    this.worker.postMessage({ kind: 'close' } satisfies WorkerRequest);
    await exited;
  }

  private receive(reply: WorkerReply): void {
    if (reply.kind !== 'result' && reply.kind !== 'run-failed') return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.kind === 'run-failed') {
      waiter.reject(revive(reply.error));
      return;
    }
    this.inputs.give(new Float32Array(reply.input));
    waiter.resolve(reply.maps);
  }

  private failAll(error: Error): void {
    this.crashed ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
