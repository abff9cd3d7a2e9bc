/**
 * One row of bench/train.bench.ts, run in its own process so that its peak memory (maxRSS, which
 * includes every worker's wasm heap) and its backend state are its own. Prints one JSON line.
 * Usage: node dist/bench/train-case.js '{"backend":"wasm-mlas","preset":"cpu","threads":1,"gemmThreads":2,...}'
 */
import { resourceUsage } from 'node:process';
import { poseRotations } from '../src/body/rodrigues.js';
import type { BodyModel } from '../src/body/types.js';
import { activeGemmEngine, useGemmEngine } from '../src/tf/mlas-kernels.js';
import { defaultProbes, initBackend } from '../src/tf/backend.js';
import type { BackendName } from '../src/tf/backend-names.js';
import { loadTrainingBodyModel } from '../src/train/body-model.js';
import { presetConfig } from '../src/train/config.js';
import { PoseBank, WindowSampler } from '../src/train/data/windows.js';
import { createHmmrModel, disposeHmmrModel } from '../src/train/nn/hmmr-network.js';
import { ParallelTrainer } from '../src/train/parallel/parallel-trainer.js';
import { predictSequence } from '../src/train/predict.js';
import { Rng } from '../src/train/rng.js';
import * as tf from '../src/tf/tf.js';
import { Trainer, type StepTrainer } from '../src/train/train-step.js';
import { median } from '../src/util/median.js';
import { syntheticSequences } from '../test/train/synthetic-sequences.js';

export interface TrainCase {
  backend: BackendName;
  preset: 'cpu' | 'paper';
  body: 'stand-in LBS' | 'linear';
  /** Gradient threads (data-parallel workers; 1 = this thread). */
  threads: number;
  /** Threads of each native GEMM call (wasm-mlas only). */
  gemmThreads: number;
  warmup: number;
  timed: number;
  /** Also time prediction (network forward + body model over 200-frame sequences). */
  predict: boolean;
}

export interface TrainCaseResult {
  msPerStep: number;
  cpuMsPerStep: number;
  /** 2·m·k·n of every product a step sends to the native GEMM (undefined off wasm-mlas). */
  gemmFlopsPerStep?: number;
  predictFramesPerSecond?: number;
  maxRssMb: number;
}

const c = JSON.parse(process.argv[2]!) as TrainCase;
await initBackend(c.backend, defaultProbes, { gemmThreads: c.gemmThreads });
const config = presetConfig(c.preset)!;
const standin = loadTrainingBodyModel('standin');
const body = c.body === 'linear' ? linearBody() : standin;
const sequences = syntheticSequences(standin, { count: 8, frames: 40, seed: 1 });
const model = createHmmrModel(config.model, 75, 1);
const sampler = new WindowSampler(sequences, { windowFrames: 20, flipProbability: 0.5, balanceTiers: true });
const trainer: StepTrainer =
  c.threads > 1
    ? await ParallelTrainer.start({ threads: c.threads, backend: c.backend, config, seed: 1, featureDims: 75, sequences, initial: model, sampler, poseBank: new PoseBank(sequences), rng: new Rng(2) })
    : new Trainer(model, body, config, sampler, new PoseBank(sequences), new Rng(2));
for (let i = 0; i < c.warmup; i++) await trainer.step();
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < c.timed; i++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await trainer.step();
  const used = process.cpuUsage(cpuStarted);
  wall.push(performance.now() - started);
  cpu.push((used.user + used.system) / 1000);
}
// Medians: this machine is shared, and single slow steps are other people's work.
const result: TrainCaseResult = { msPerStep: median(wall), cpuMsPerStep: median(cpu), maxRssMb: 0 };
const engine = activeGemmEngine();
if (engine && c.threads === 1) {
  // One more step through a counting wrapper: the products the native GEMM computes per step.
  let flops = 0;
  useGemmEngine({ threads: engine.threads, run: (call) => ((flops += 2 * call.m * call.k * call.n), engine.run(call)) });
  await trainer.step();
  useGemmEngine(engine);
  result.gemmFlopsPerStep = flops;
}
await trainer.close();
if (c.predict) result.predictFramesPerSecond = predictRate();
disposeHmmrModel(model);
result.maxRssMb = Math.round(resourceUsage().maxRSS / 1024);
console.log(JSON.stringify(result));

/** Frames per second of predictSequence (sliding windows, every head, body model) over 4 × 200 frames. */
function predictRate(): number {
  const frames = 200;
  const features = new Rng(5).uniformArray(frames * 75, -1, 1);
  const blank = new Float32Array(75);
  predictSequence(model.network, standin, features, blank, config.data.windowFrames);
  const started = performance.now();
  for (let i = 0; i < 4; i++) predictSequence(model.network, standin, features, blank, config.data.windowFrames);
  return (4 * frames * 1000) / (performance.now() - started);
}

/** The body surrogate bench/pytorch_step.py uses: a fixed linear map to 25 keypoints, Rodrigues rotations. */
function linearBody(): BodyModel {
  const weights = tf.keep(tf.tensor2d(new Rng(3).uniformArray(82 * 75, -0.1, 0.1), [82, 75]));
  const unsupported = () => {
    throw new Error('the linear bench body has keypoints only');
  };
  return {
    name: 'linear-bench-body',
    vertexCount: 0,
    jointCount: 24,
    keypointSets: ['hmmr25'],
    forward: unsupported,
    keypoints: unsupported,
    posedKeypoints: (pose, shape) => {
      const n = pose.shape[0];
      return {
        keypoints: tf.reshape(tf.matMul(tf.concat([pose, shape], 1), weights), [n, 25, 3]),
        joints: tf.zeros([n, 24, 3]),
        rotations: poseRotations(pose),
      };
    },
  };
}
