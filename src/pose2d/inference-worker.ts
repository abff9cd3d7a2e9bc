/**
 * Worker-thread entry that owns one pose session. onnxruntime-node's session.run() is not truly
 * asynchronous: it defers with setImmediate and then runs the whole graph on the calling thread. In a
 * worker it no longer blocks the main thread, which meanwhile drains ffmpeg, preprocesses the next
 * batch and groups and stores the previous one. Protocol: see worker-session.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HmmrError } from '../errors.js';
import type { PoseModelDescriptor } from './descriptor.js';
import { openPoseSession, type PoseSessionOptions } from './session.js';
import type { WorkerReply, WorkerRequest, SerializedError } from './worker-protocol.js';

const { descriptor, modelPath, options } = workerData as { descriptor: PoseModelDescriptor; modelPath: string; options: PoseSessionOptions };
const port = parentPort!;

function serialize(error: unknown): SerializedError {
  if (error instanceof HmmrError) return { className: error.name, path: error.path, reason: error.reason, message: error.message };
  return { className: 'Error', message: error instanceof Error ? error.message : String(error) };
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

try {
  const session = await openPoseSession(descriptor, modelPath, options);
  port.on('message', (request: WorkerRequest) => {
    if (request.kind === 'close') {
      void session.close().finally(() => {
        reply({ kind: 'closed' });
        port.close();
      });
      return;
    }
    session.run(request.input, request.batch, request.height, request.width).then(
      (maps) => {
        // Hand the output tensors' memory to the main thread instead of copying it, and the input's
        // back for the next batch (worker-session.ts keeps it in its tensor pool).
        const input = request.input.buffer as ArrayBuffer;
        const buffers = new Set<ArrayBuffer>([input]);
        for (const frame of maps) for (const view of [frame.heatmaps, frame.pafs]) buffers.add(view.buffer as ArrayBuffer);
        reply({ kind: 'result', id: request.id, maps, input }, [...buffers]);
      },
      (error: unknown) => reply({ kind: 'run-failed', id: request.id, error: serialize(error) }),
    );
  });
  reply({ kind: 'ready', modelSha256: session.modelSha256 });
} catch (error) {
  reply({ kind: 'open-failed', error: serialize(error) });
  port.close();
}
