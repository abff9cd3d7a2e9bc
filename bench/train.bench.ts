import { execFileSync, spawnSync } from 'node:child_process';
import { poseRotations } from '../src/body/rodrigues.js';
import type { BodyModel } from '../src/body/types.js';
import { initBackend, type BackendName } from '../src/train/backend.js';
import { loadTrainingBodyModel } from '../src/train/body-model.js';
import { presetConfig } from '../src/train/config.js';
import { PoseBank, WindowSampler } from '../src/train/data/windows.js';
import { createHmmrModel, disposeHmmrModel } from '../src/train/nn/hmmr-network.js';
import { Rng } from '../src/train/rng.js';
import * as tf from '../src/train/tf.js';
import { ParallelTrainer } from '../src/train/parallel/parallel-trainer.js';
import { Trainer, type StepTrainer } from '../src/train/train-step.js';
import { projectPath } from '../src/util/project-root.js';
import { syntheticSequences } from '../test/train/synthetic-sequences.js';
import type { BenchTable } from './bench-table.js';

/** Reference from the task: PyTorch 1.13, CPU, 2 threads, width 512, batch 8×20. */
const REFERENCE_PYTORCH_MS = 181;

interface Case {
  backend: BackendName;
  preset: 'cpu' | 'paper';
  body: 'stand-in LBS' | 'linear';
  threads: number;
  warmup: number;
  timed: number;
}

/**
 * ms per training step (batch 8 × 20 frames, the whole step: both optimisers, every branch) and
 * frames/s for the cpu (width 512) and paper (width 2048) presets on each available tfjs backend,
 * beside the same network in PyTorch (bench/pytorch_step.py) when torch is installed. The
 * "linear" body rows replace the LBS body model by the linear surrogate pytorch_step.py uses, so
 * that comparison is like for like. Target: cpu preset ≤ 1.5× PyTorch.
 */
export default async function trainBench(): Promise<BenchTable> {
  const notes: string[] = [];
  const cases: Case[] = [
    { backend: 'wasm', preset: 'cpu', body: 'stand-in LBS', threads: 1, warmup: 1, timed: 3 },
    { backend: 'wasm', preset: 'cpu', body: 'stand-in LBS', threads: 2, warmup: 1, timed: 3 },
    { backend: 'wasm', preset: 'cpu', body: 'linear', threads: 1, warmup: 1, timed: 3 },
    { backend: 'wasm', preset: 'paper', body: 'stand-in LBS', threads: 1, warmup: 1, timed: 2 },
    { backend: 'wasm', preset: 'paper', body: 'stand-in LBS', threads: 2, warmup: 1, timed: 2 },
    { backend: 'cpu', preset: 'cpu', body: 'stand-in LBS', threads: 1, warmup: 0, timed: 1 },
  ];
  for (const native of ['tfjs-node-gpu', 'tfjs-node'] as const) {
    try {
      await initBackend(native);
      cases.unshift({ backend: native, preset: 'paper', body: 'stand-in LBS', threads: 1, warmup: 1, timed: 3 }, { backend: native, preset: 'cpu', body: 'stand-in LBS', threads: 1, warmup: 1, timed: 3 });
    } catch (error) {
      notes.push(`${native}: skipped (${(error as Error).message})`);
    }
  }
  notes.push('cpu backend (pure JavaScript): paper preset not run (minutes per step)');

  const torch = pytorchTimes(notes);
  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const { msPerStep, peakHeapMb } = await timeSteps(c);
    const reference = c.preset === 'cpu' ? torch.cpu : torch.paper;
    const frames = 8 * 20;
    rows.push([
      c.backend,
      c.preset,
      c.body,
      c.threads,
      msPerStep,
      (frames * 1000) / msPerStep,
      reference ?? '—',
      reference ? `${(msPerStep / reference).toFixed(2)}×` : c.preset === 'cpu' ? `${(msPerStep / REFERENCE_PYTORCH_MS).toFixed(2)}× ref` : '—',
      peakHeapMb ?? '—',
    ]);
  }
  notes.push(
    `target: cpu preset ≤ 1.5× PyTorch's step time; "ref" = against the task's reference PyTorch 1.13 CPU 2 threads ${REFERENCE_PYTORCH_MS} ms/step (other hardware), used when torch is not installed here`,
    'the wasm backend runs one thread in Node (tfjs disables wasm threads there); PyTorch uses 2',
  );
  return {
    title: 'hmmr train: one optimiser step, batch 8 × 20 frames',
    columns: ['backend', 'preset', 'body model', 'threads', 'ms/step', 'frames/s', 'PyTorch ms/step', 'ours / PyTorch', 'peak wasm heap MB'],
    rows,
    notes,
  };
}

async function timeSteps(c: Case): Promise<{ msPerStep: number; peakHeapMb?: number }> {
  await initBackend(c.backend);
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
  const times: number[] = [];
  for (let i = 0; i < c.timed; i++) {
    const started = performance.now();
    await trainer.step();
    times.push(performance.now() - started);
  }
  await trainer.close();
  disposeHmmrModel(model);
  standin.dispose();
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.byteLength;
  // Worker threads' heaps are not visible here; the column shows this thread's wasm heap.
  // The median: this machine is shared, and single slow steps are other people's work.
  times.sort((a, b) => a - b);
  return { msPerStep: times[Math.floor(times.length / 2)]!, peakHeapMb: c.backend === 'wasm' && c.threads === 1 && heap ? Math.round(heap / 1e6) : undefined };
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

function pytorchTimes(notes: string[]): { cpu?: number; paper?: number } {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    notes.push('PyTorch column skipped: `/usr/bin/python3 -c "import torch"` fails on this machine');
    return {};
  }
  const run = (width: number) => {
    const result = spawnSync('/usr/bin/python3', [projectPath('bench', 'pytorch_step.py'), '--width', String(width), '--threads', '2', '--steps', '5'], { encoding: 'utf8' });
    if (result.status !== 0) {
      notes.push(`pytorch_step.py --width ${width} failed: ${result.stderr.split('\n').filter(Boolean).at(-1)}`);
      return undefined;
    }
    return (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { msPerStep: number }).msPerStep;
  };
  return { cpu: run(512), paper: run(2048) };
}
