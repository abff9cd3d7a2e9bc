import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestPaths } from '../src/ingest/ingest.js';
import { DEFAULT_VIDEO_EXTENSIONS } from '../src/ingest/walk.js';
import { PoseDecoder } from '../src/pose2d/decode.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor } from '../src/pose2d/descriptor.js';
import { resolveModelFiles, type PoseQuality } from '../src/pose2d/model-files.js';
import { labelVideo } from '../src/pipeline/label-video-run.js';
import { geometryOfFrame, type FrameGeometry, type PoseMaps } from '../src/pose2d/maps.js';
import { buildInputBatch, pixelFormatFor, type InputBatch } from '../src/pose2d/preprocess.js';
import { openPoseSession, type PoseSession } from '../src/pose2d/session.js';
import { inferenceLayout, openPoseWorkers, type InferenceLayout } from '../src/pose2d/session-pool.js';
import { openDatabase } from '../src/store/database.js';
import { listVideos } from '../src/store/videos.js';
import { projectPath } from '../src/util/project-root.js';
import { ffmpegPath } from '../src/video/ffmpeg-binaries.js';
import { readFrames } from '../src/video/frame-source.js';
import { cliInvocation } from '../test/helpers/run-cli.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { coco18Person, inputGeometry, renderMaps } from '../test/pose2d/synthetic-maps.js';
import type { BenchTable } from './bench-table.js';
import { sharedVideo } from './shared-assets.js';

const BATCH = 4;
const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
const frameOptions = { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat: pixelFormatFor(descriptor.input) };

/**
 * pose2d: label-stage throughput against bare session.run loops over the same preprocessed frames
 * (both shipped models; the accurate one on a shorter cut, it is ~3× slower; the bare loop as one
 * session of every core with onnxruntime's spin-waiting threads, its own default, and without, hmmr's,
 * and as one single-thread session per core; ratios are to the fastest), the label stage with the
 * model's default session layout and with the other one,
 * grouping time per frame with 6 people at input height 368, and peak RSS, rate and CPU time per frame
 * by part (main thread, ffmpeg, the rest) of a whole `hmmr label --quality fast` process on a 20 s vs
 * a 2 s 720p clip (flat memory = streaming works; the difference of the two runs = cost per frame).
 */
export default async function pose2dBench(): Promise<BenchTable> {
  const dir = mkdtempSync(join(tmpdir(), 'hmmr-bench-pose2d-'));
  const rows: (string | number)[][] = [];
  const notes = [
    `network input height ${descriptor.input.defaultHeight}, batch ${BATCH}; each throughput is the best of 2 alternating rounds (shared, noisy machine)`,
    'ratio = label stage frames/s ÷ the fastest bare loop on the same frames (target ≥ 0.9)',
    'CPU per frame = (CPU of the 20 s run − CPU of the 2 s run) ÷ (frame difference): start-up cancels out; "other threads" = inference (worker + onnxruntime pool) and V8 helpers',
  ];
  try {
    const wrestling = sharedVideo('Wrestling.mp4');
    let clip: string;
    let shortClip: string;
    if (wrestling.path) {
      clip = cut(wrestling.path, join(dir, 'wrestling-4s.mp4'), 4);
      shortClip = cut(wrestling.path, join(dir, 'wrestling-2s.mp4'), 2);
    } else {
      clip = shortClip = projectPath('media', 'S02_tabletennis.mp4');
      notes.push(`throughput on the table-tennis fixture instead of a 720p clip: ${wrestling.skipReason}`);
    }
    const fast = await throughputRows(clip, dir, 'fast');
    const accurate = await throughputRows(shortClip, dir, 'accurate');
    rows.push(...fast.rows, ...accurate.rows);
    rows.push(...(await groupingRows()));
    if (wrestling.path) {
      const long = cut(wrestling.path, join(dir, 'wrestling-20s.mp4'), 20);
      const shortRss = await peakRssOfLabel(shortClip, join(dir, 'rss-short.db'));
      const longRss = await peakRssOfLabel(long, join(dir, 'rss-long.db'));
      rows.push(['peak RSS, hmmr label --quality fast, 2 s 720p clip', shortRss.frames, shortRss.seconds, `${shortRss.peakMb.toFixed(0)} MB`, '']);
      rows.push(['peak RSS, hmmr label --quality fast, 20 s 720p clip', longRss.frames, longRss.seconds, `${longRss.peakMb.toFixed(0)} MB`, `${(longRss.peakMb / shortRss.peakMb).toFixed(2)}× the 2 s clip`]);
      const processRate = longRss.frames / longRss.seconds;
      rows.push(['whole hmmr label process, 20 s 720p clip (fast)', longRss.frames, longRss.seconds, processRate, `${(processRate / fast.bareRate).toFixed(2)} × the fastest bare rate above (target ≥ 0.85)`]);
      const frames = longRss.frames - shortRss.frames;
      const perFrame = (part: keyof ProcessCpu) => `${((longRss.cpu[part] - shortRss.cpu[part]) / frames).toFixed(1)} ms/frame`;
      rows.push(['CPU per frame, whole hmmr label process (fast): main thread', frames, '', perFrame('mainMs'), 'reading frames, preprocessing, grouping, SQLite']);
      rows.push(['CPU per frame, whole hmmr label process (fast): ffmpeg', frames, '', perFrame('ffmpegMs'), 'decoding and scaling to the network size']);
      rows.push(['CPU per frame, whole hmmr label process (fast): other threads', frames, '', perFrame('otherMs'), 'inference (worker + onnxruntime pool) and V8 helpers']);
    } else {
      notes.push(`peak RSS rows ${wrestling.skipReason}`);
    }
    return { title: 'pose2d: labelling throughput, grouping time, memory', columns: ['case', 'frames', 'seconds', 'rate / value', 'ratio / note'], rows, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Re-encodes the first `seconds` of a video (exact frame count, no audio). */
function cut(source: string, target: string, seconds: number): string {
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', source, '-t', String(seconds), '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', target]);
  return target;
}

async function throughputRows(clip: string, dir: string, quality: PoseQuality): Promise<{ rows: (string | number)[][]; bareRate: number }> {
  const { descriptor, modelPath } = resolveModelFiles({ quality });
  // The bare loop's input: the same frames, decoded and preprocessed beforehand, outside the timing.
  const batches: InputBatch[] = [];
  let pending: { data: Buffer; width: number; height: number }[] = [];
  const flush = () => {
    if (pending.length > 0) batches.push(buildInputBatch(pending.map((f) => ({ ...f, pixelFormat: frameOptions.pixelFormat })), descriptor.input));
    pending = [];
  };
  for await (const frame of readFrames(clip, frameOptions)) {
    pending.push({ data: frame.data, width: frame.width, height: frame.height });
    if (pending.length === BATCH) flush();
  }
  flush();
  const frames = batches.reduce((sum, batch) => sum + batch.batch, 0);

  // Bare references: one session of every core, spin-waiting off (hmmr's) and on (onnxruntime's
  // default), and one single-thread session per core in worker threads with a batch each. The
  // reference is the fastest: the label stage is held to the best the network alone does here.
  const cores = availableParallelism();
  const perCore = { sessions: cores, threadsPerSession: 1 };
  const allCores = { sessions: 1, threadsPerSession: cores };
  const bare = await openPoseSession(descriptor, modelPath);
  const bareSpinning = await openPoseSession(descriptor, modelPath, { spinWait: true });
  const barePool = await openPoseWorkers(descriptor, modelPath, perCore);
  for (const session of [bare, bareSpinning]) await session.run(batches[0]!.data, batches[0]!.batch, batches[0]!.height, batches[0]!.width);
  const layout = inferenceLayout(descriptor, 'cpu');
  const labelSession = await openPoseWorkers(descriptor, modelPath, layout);
  const otherLayout = layout.sessions === 1 ? perCore : allCores;
  const labelOtherSession = await openPoseWorkers(descriptor, modelPath, otherLayout);
  const best = { bare: Infinity, spinning: Infinity, pool: Infinity, label: Infinity, labelOther: Infinity };
  const timeBare = async (session: PoseSession) => {
    const started = performance.now();
    for (const batch of batches) await session.run(batch.data, batch.batch, batch.height, batch.width);
    return (performance.now() - started) / 1000;
  };
  const timeBarePool = async () => {
    // run() takes each tensor over (it moves to a worker): copies, made before the clock starts.
    const inputs = batches.map((batch) => new Float32Array(batch.data));
    const started = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (const [i, batch] of batches.entries()) {
      inFlight.push(barePool.run(inputs[i]!, batch.batch, batch.height, batch.width));
      if (inFlight.length >= cores) await inFlight.shift();
    }
    await Promise.all(inFlight);
    return (performance.now() - started) / 1000;
  };
  const timeLabel = async (session: PoseSession, dbName: string) => {
    const db = openDatabase(join(dir, dbName));
    try {
      await ingestPaths(db, [clip], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
      const started = performance.now();
      const result = await labelVideo(db, listVideos(db)[0]!, session, { inputHeight: frameOptions.height, batchSize: BATCH, chunkFrames: 64 });
      if (result.framesLabelled !== frames) throw new Error(`label stage saw ${result.framesLabelled} frames, the bare loop ${frames}`);
      return (performance.now() - started) / 1000;
    } finally {
      db.close();
    }
  };
  try {
    await timeBarePool();
    for (let round = 0; round < 2; round++) {
      best.bare = Math.min(best.bare, await timeBare(bare));
      best.spinning = Math.min(best.spinning, await timeBare(bareSpinning));
      best.pool = Math.min(best.pool, await timeBarePool());
      best.label = Math.min(best.label, await timeLabel(labelSession, `throughput-${quality}-${round}.db`));
      best.labelOther = Math.min(best.labelOther, await timeLabel(labelOtherSession, `throughput-${quality}-other-${round}.db`));
    }
  } finally {
    for (const session of [bare, bareSpinning, barePool, labelSession, labelOtherSession]) await session.close();
  }
  const name = `${clip.split('/').pop()}, ${quality}`;
  const reference = Math.min(best.bare, best.spinning, best.pool);
  const describe = (l: InferenceLayout) => `${l.sessions} × ${l.threadsPerSession}-thread session${l.sessions > 1 ? 's' : ''}`;
  return {
    bareRate: frames / reference,
    rows: [
      [`bare session.run loop, ${name}`, frames, best.bare, frames / best.bare, `1 × ${cores}-thread session, spin-waiting off`],
      [`bare session.run loop, spin-waiting threads, ${name}`, frames, best.spinning, frames / best.spinning, "onnxruntime's default"],
      [`bare, one session per core in worker threads, ${name}`, frames, best.pool, frames / best.pool, `${describe(perCore)}, ${cores} batches in flight`],
      [`label stage (decode → network → group → store), ${name}`, frames, best.label, frames / best.label, `${(reference / best.label).toFixed(2)} (${describe(layout)}: the default)`],
      [`label stage, ${describe(otherLayout)}, ${name}`, frames, best.labelOther, frames / best.labelOther, `${(reference / best.labelOther).toFixed(2)} (not the default)`],
    ],
  };
}

/** Decoder time per frame: synthetic 6-person maps, and real network maps of the street clip when present. */
async function groupingRows(): Promise<(string | number)[][]> {
  const decoder = new PoseDecoder(descriptor);
  const timePerFrameMs = (maps: { maps: PoseMaps; geometry: FrameGeometry }[], repeats: number) => {
    for (const m of maps) decoder.decode(m.maps, m.geometry);
    const started = performance.now();
    let people = 0;
    for (let r = 0; r < repeats; r++) for (const m of maps) people += decoder.decode(m.maps, m.geometry).length;
    return { ms: (performance.now() - started) / (repeats * maps.length), peoplePerFrame: people / (repeats * maps.length) };
  };

  const geometry = inputGeometry(1280, 720, descriptor.input.defaultHeight, descriptor.stride);
  const synthetic = Array.from({ length: 10 }, (_, seed) => {
    const random = seededRandom(seed + 1);
    const people = Array.from({ length: 6 }, (_, i) => coco18Person(110 + i * 212 + (random() - 0.5) * 40, 40 + random() * 200, 380 + random() * 100, random, random() < 0.5));
    return renderMaps(people, descriptor, geometry, { heatmapNoise: 0.01, pafNoise: 0.2, noiseSeed: seed });
  });
  const syntheticTime = timePerFrameMs(synthetic, 30);
  const rows: (string | number)[][] = [
    ['grouping, synthetic maps, 6 people, 1280×720 at 368', synthetic.length * 30, syntheticTime.ms * synthetic.length * 30 / 1000, `${syntheticTime.ms.toFixed(2)} ms/frame`, `${syntheticTime.peoplePerFrame.toFixed(1)} people/frame (target ≤ 3 ms)`],
  ];

  const street = sharedVideo('openpose_street_multiperson.mp4');
  if (street.path) {
    const session = await openPoseSession(descriptor, descriptorModelPath(descriptor)!);
    const real: { maps: PoseMaps; geometry: FrameGeometry }[] = [];
    try {
      for await (const frame of readFrames(street.path, { ...frameOptions, fps: 5 })) {
        const batch = buildInputBatch([{ data: frame.data, width: frame.width, height: frame.height, pixelFormat: frameOptions.pixelFormat }], descriptor.input);
        const [maps] = await session.run(batch.data, 1, batch.height, batch.width);
        real.push({ maps: maps!, geometry: geometryOfFrame(frame, { width: 1280, height: 720 }) });
      }
    } finally {
      await session.close();
    }
    const realTime = timePerFrameMs(real, 10);
    rows.push(['grouping, network maps of the street clip at 368', real.length * 10, realTime.ms * real.length * 10 / 1000, `${realTime.ms.toFixed(2)} ms/frame`, `${realTime.peoplePerFrame.toFixed(1)} people/frame`]);
  }
  return rows;
}

/** CPU time of a process by part, milliseconds. */
interface ProcessCpu {
  mainMs: number;
  ffmpegMs: number;
  otherMs: number;
}

const CLOCK_TICKS_MS = 10; // USER_HZ = 100 on Linux

/** Reads /proc/<pid>/stat fields after the command name (utime = [11], stime = [12], cutime = [13], cstime = [14]). */
function statFields(path: string): number[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
}

/**
 * CPU of a running process: its main thread, its other threads and its reaped children (ffmpeg: a
 * label run's only child processes), from /proc. Throws when the process is gone.
 */
function processCpu(pid: number): ProcessCpu {
  const all = statFields(`/proc/${pid}/stat`);
  const main = statFields(`/proc/${pid}/task/${pid}/stat`);
  const ms = (fields: number[], a: number, b: number) => (fields[a]! + fields[b]!) * CLOCK_TICKS_MS;
  return { mainMs: ms(main, 11, 12), ffmpegMs: ms(all, 13, 14), otherMs: ms(all, 11, 12) - ms(main, 11, 12) };
}

/**
 * Runs the real `hmmr label` on one clip in a child process and samples its peak RSS (VmHWM) and its
 * CPU by part (the last sample before it exits; ffmpeg counts once it has been reaped, before the last batches).
 */
async function peakRssOfLabel(clip: string, dbPath: string): Promise<{ peakMb: number; frames: number; seconds: number; cpu: ProcessCpu }> {
  const db = openDatabase(dbPath);
  await ingestPaths(db, [clip], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
  db.close();
  const started = performance.now();
  const child = spawn(process.execPath, [...cliInvocation(), 'label', '--db', dbPath, '--quality', 'fast', '--batch', String(BATCH), '--quiet', '--json'], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let peakKb = 0;
  let cpu: ProcessCpu = { mainMs: 0, ffmpegMs: 0, otherMs: 0 };
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      cpu = processCpu(child.pid!);
    } catch {
      // The process is gone between the check and the read.
    }
    await sleep(50);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`hmmr label exited with ${code}`);
  const frames = (JSON.parse(stdout) as { videos: { framesLabelled: number }[] }).videos[0]!.framesLabelled;
  return { peakMb: peakKb / 1024, frames, seconds: (performance.now() - started) / 1000, cpu };
}
