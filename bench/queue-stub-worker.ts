/**
 * A `hmmr worker` whose chunks skip decoding and the network (src/queue/bench-stub-inference.ts), for
 * bench/queue.bench.ts's coordinator-capacity row only. Everything else is the real worker: the
 * queue, the model and params check, the video sha256 check, the compact result.
 * Usage: node dist/bench/queue-stub-worker.js redis://127.0.0.1:PORT CONCURRENCY
 */
import { resolveModelFiles } from '../src/pose2d/model-files.js';
import { openWorkerPoseSession } from '../src/pose2d/worker-session.js';
import { parseRedisUrl } from '../src/queue/redis-address.js';
import { runLabelWorker } from '../src/queue/worker.js';

const [url, concurrency] = process.argv.slice(2);
const { descriptor, modelPath } = resolveModelFiles({ quality: 'fast' });
const session = await openWorkerPoseSession(descriptor, modelPath, { intraOpNumThreads: 1 });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
console.log('stub worker ready');
await runLabelWorker({
  address: parseRedisUrl(url!),
  session,
  concurrency: Number(concurrency),
  pathMap: [],
  lockDurationMs: 30_000,
  signal: stop.signal,
  benchStubInference: true,
});
await session.close();
