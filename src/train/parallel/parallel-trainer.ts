import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HmmrError } from '../../errors.js';
import type { TrainConfig } from '../config.js';
import type { SequenceGroundTruth, TrainingSequence } from '../data/sequence.js';
import type { PoseBank, WindowSampler } from '../data/windows.js';
import type { HmmrModel } from '../nn/hmmr-network.js';
import { Adam } from '../optim/adam.js';
import type { Rng } from '../rng.js';
import { adamOptions, adversarialEnabled, planStep, StepTotals, type StepOutcome, type StepTrainer } from '../train-step.js';
import type { ParameterSlot, WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

/**
 * Data-parallel training on worker threads. tfjs's wasm backend runs one thread in Node, so a
 * second core helps only through a second backend: each worker holds a model and computes the
 * gradients of its share of the step's micro-batches; the main thread sums them, applies Adam and
 * publishes the new parameters through a shared buffer. Training data is shared, not copied.
 * The step's windows and per-micro-batch seeds come from the main thread's stream (planStep), so
 * the numbers match the single-thread Trainer up to the order of floating-point sums.
 */
export class ParallelTrainer implements StepTrainer {
  readonly encoderOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  readonly adversarial: boolean;
  readonly shapes: StepTrainer['shapes'];
  private readonly slots: ParameterSlot[] = [];
  private readonly values: Float32Array;
  private readonly workers: { worker: Worker; grads: Float32Array }[] = [];
  private readonly indexOf = new Map<TrainingSequence, number>();

  private constructor(
    initial: HmmrModel,
    private readonly config: TrainConfig,
    private readonly sampler: WindowSampler,
    poseBank: PoseBank,
    readonly rng: Rng,
  ) {
    this.encoderOptimizer = new Adam(initial.network.params.values(), adamOptions(config, 'encoder'));
    this.discriminatorOptimizer = new Adam(initial.discriminatorParams.values(), adamOptions(config, 'discriminator'));
    this.adversarial = adversarialEnabled(config, poseBank);
    this.shapes = { encoder: initial.network.params.shapes(), discriminator: initial.discriminatorParams.shapes() };
    let offset = 0;
    for (const side of ['encoder', 'discriminator'] as const) {
      for (const [name, shape] of this.shapes[side]) {
        const length = shape.reduce((a, b) => a * b, 1);
        this.slots.push({ side, name, offset, length });
        offset += length;
      }
    }
    this.values = new Float32Array(new SharedArrayBuffer(offset * 4));
  }

  /**
   * Starts `threads` workers. `initial` supplies the starting weights and shapes (the caller
   * disposes it); workers load the body model named by the config themselves.
   */
  static async start(options: {
    threads: number;
    backend: string;
    config: TrainConfig;
    seed: number;
    featureDims: number;
    sequences: readonly TrainingSequence[];
    initial: HmmrModel;
    sampler: WindowSampler;
    poseBank: PoseBank;
    rng: Rng;
  }): Promise<ParallelTrainer> {
    const trainer = new ParallelTrainer(options.initial, options.config, options.sampler, options.poseBank, options.rng);
    const shared = options.sequences.map(shareSequence);
    options.sequences.forEach((sequence, i) => trainer.indexOf.set(sequence, i));
    try {
      for (let i = 0; i < options.threads; i++) {
        const grads = new Float32Array(new SharedArrayBuffer(trainer.values.byteLength));
        const init: WorkerInit = {
          backend: options.backend,
          // Workers already keep every core busy; more GEMM threads than cores only contend.
          gemmThreads: Math.max(1, Math.floor(availableParallelism() / options.threads)),
          config: options.config,
          seed: options.seed,
          featureDims: options.featureDims,
          sequences: shared,
          slots: trainer.slots,
          values: trainer.values,
          grads,
          adversarial: trainer.adversarial,
          realPoses: options.poseBank.poses,
        };
        trainer.workers.push({ worker: startWorker(init), grads });
      }
      await Promise.all(trainer.workers.map(({ worker }) => nextReply(worker)));
    } catch (error) {
      await trainer.close();
      throw error;
    }
    return trainer;
  }

  async step(): Promise<StepOutcome> {
    const { data } = this.config;
    // At least one micro-batch per worker, or a thread would idle.
    const microBatch = Math.max(1, Math.min(data.microBatch, Math.floor(data.batchSize / this.workers.length)));
    const plan = planStep(this.sampler, this.rng, data.batchSize, microBatch);
    this.publishValues();
    const scale = 1 / plan.length;
    const replies = this.workers.map(({ worker }, w) => {
      const mine = plan.filter((_, i) => i % this.workers.length === w);
      const request: WorkerRequest = {
        kind: 'step',
        scale,
        microBatches: mine.map((micro) => ({ seed: micro.seed, windows: micro.samples.map((s) => ({ sequence: this.indexOf.get(s.sequence)!, start: s.start, flip: s.flip })) })),
      };
      worker.postMessage(request);
      return nextReply(worker);
    });
    const totals = new StepTotals(plan.length);
    for (const reply of await Promise.all(replies)) for (const outcome of reply.kind === 'done' ? reply.outcomes : []) totals.add(outcome);
    // Sum into the first worker's buffer (it is rewritten next step anyway), squaring on the way.
    const [first, ...others] = this.workers.map(({ grads }) => grads);
    const sums = { encoder: new Map<string, Float32Array>(), discriminator: new Map<string, Float32Array>() };
    const squaredNorms = { encoder: 0, discriminator: 0 };
    for (const slot of this.slots) {
      const sum = first!.subarray(slot.offset, slot.offset + slot.length);
      let squares = 0;
      for (let i = 0; i < slot.length; i++) {
        let value = sum[i]!;
        for (const grads of others) value += grads[slot.offset + i]!;
        sum[i] = value;
        squares += value * value;
      }
      squaredNorms[slot.side] += squares;
      sums[slot.side].set(slot.name, sum);
    }
    return totals.finish(sums.encoder, sums.discriminator, { encoder: this.encoderOptimizer, discriminator: this.discriminatorOptimizer, adversarial: this.adversarial }, squaredNorms);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async ({ worker }) => {
        worker.postMessage({ kind: 'close' } satisfies WorkerRequest);
        await worker.terminate();
      }),
    );
    this.workers.length = 0;
  }

  /** Copies the optimisers' parameter values into the buffer every worker reads. */
  private publishValues(): void {
    const sides = { encoder: this.encoderOptimizer.parameterValues(), discriminator: this.discriminatorOptimizer.parameterValues() };
    for (const slot of this.slots) this.values.set(sides[slot.side].get(slot.name)!, slot.offset);
  }
}

function startWorker(init: WorkerInit): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./gradient-worker.js', import.meta.url), { workerData: init });
  // Running from TypeScript sources under tsx: a worker does not inherit the parent's --import
  // loader (Node ≥ 20.6), so register tsx inside it before importing the .ts entry.
  const entry = new URL('./gradient-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => api.register()).then(() => import(${JSON.stringify(entry)}));`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

function nextReply(worker: Worker): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: WorkerReply) => {
      cleanup();
      if (reply.kind !== 'failed') resolve(reply);
      else reject(reply.reason !== undefined ? Object.assign(new HmmrError(reply.path, reply.reason), { name: reply.className }) : new Error(`training worker: ${reply.message}`));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`training worker exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** A copy of a sequence whose arrays live in SharedArrayBuffers (workers then share, not copy, them). */
function shareSequence(sequence: TrainingSequence): TrainingSequence {
  const share = <T extends Float32Array | Uint8Array>(array: T): T => {
    const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
    copy.set(array as never);
    return copy;
  };
  const gt = sequence.groundTruth;
  const groundTruth: SequenceGroundTruth | undefined = gt && {
    joints3d: share(gt.joints3d),
    hasJoints: share(gt.hasJoints),
    ...(gt.pose ? { pose: share(gt.pose) } : {}),
    ...(gt.shape ? { shape: share(gt.shape) } : {}),
    ...(gt.hasSmpl ? { hasSmpl: share(gt.hasSmpl) } : {}),
  };
  return {
    ...sequence,
    keypoints: share(sequence.keypoints),
    features: { dims: sequence.features.dims, original: share(sequence.features.original), mirrored: share(sequence.features.mirrored) },
    ...(groundTruth ? { groundTruth } : {}),
  };
}
