/**
 * Worker-thread entry of ParallelTrainer: one tfjs backend (its own wasm instance, hence its own
 * core), one copy of the model, and the training data shared with the main thread. For each step
 * it loads the current parameters from the shared buffer, computes the gradients of its
 * micro-batches into its own shared gradient buffer, and reports their losses.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HmmrError } from '../../errors.js';
import { defaultProbes, initBackend } from '../../tf/backend.js';
import { loadTrainingBodyModel } from '../body-model.js';
import { PoseBank } from '../data/windows.js';
import { createHmmrModel } from '../nn/hmmr-network.js';
import { GradientComputer } from '../train-step.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

try {
  await initBackend(init.backend, defaultProbes, { gemmThreads: init.gemmThreads });
  const body = loadTrainingBodyModel(init.config.bodyModel);
  const model = createHmmrModel(init.config.model, init.featureDims, init.seed);
  const computer = new GradientComputer(model, body, init.config, new PoseBank(init.realPoses), init.adversarial);
  const view = (slot: WorkerInit['slots'][number], buffer: Float32Array) => buffer.subarray(slot.offset, slot.offset + slot.length);
  const maps = { encoder: new Map<string, Float32Array>(), discriminator: new Map<string, Float32Array>() };
  const values = { encoder: new Map<string, Float32Array>(), discriminator: new Map<string, Float32Array>() };
  for (const slot of init.slots) {
    maps[slot.side].set(slot.name, view(slot, init.grads));
    values[slot.side].set(slot.name, view(slot, init.values));
  }
  port.on('message', (request: WorkerRequest) => {
    if (request.kind === 'close') {
      port.close();
      return;
    }
    try {
      model.network.params.load(values.encoder);
      model.discriminatorParams.load(values.discriminator);
      init.grads.fill(0);
      const outcomes = request.microBatches.map((micro) =>
        computer.accumulate(
          micro.windows.map((w) => ({ sequence: init.sequences[w.sequence]!, start: w.start, flip: w.flip })),
          micro.seed,
          maps.encoder,
          maps.discriminator,
          request.scale,
        ),
      );
      reply({ kind: 'done', outcomes });
    } catch (error) {
      reply(failure(error));
    }
  });
  reply({ kind: 'ready' });
} catch (error) {
  reply(failure(error));
}

function failure(error: unknown): WorkerReply {
  if (error instanceof HmmrError) return { kind: 'failed', className: error.name, message: error.message, path: error.path, reason: error.reason };
  return { kind: 'failed', className: 'Error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
