/** Messages between worker-session.ts (main thread) and inference-worker.ts (worker thread). */
import type { PoseMaps } from './maps.js';

export interface SerializedError {
  /** HmmrError subclass name, or 'Error'. */
  className: string;
  path?: string;
  reason?: string;
  message: string;
}

export type WorkerRequest =
  | { kind: 'run'; id: number; input: Float32Array; batch: number; height: number; width: number }
  | { kind: 'close' };

export type WorkerReply =
  | { kind: 'ready'; modelSha256: string }
  | { kind: 'open-failed'; error: SerializedError }
  /** `input`: the request's input tensor memory, moved back for reuse. */
  | { kind: 'result'; id: number; maps: PoseMaps[]; input: ArrayBuffer }
  | { kind: 'run-failed'; id: number; error: SerializedError }
  | { kind: 'closed' };
