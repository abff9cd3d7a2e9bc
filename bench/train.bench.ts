import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectPath } from '../src/util/project-root.js';
import type { BenchTable } from './bench-table.js';
import type { TrainCase, TrainCaseResult } from './train-case.js';

interface TorchResult {
  msPerStep: number;
  cpuMsPerStep: number;
  blas: string;
}

/**
 * ms per training step (batch 8 × 20 frames, the whole step: both optimisers, every branch),
 * frames/s, native-GEMM GFLOP/s, peak memory and prediction throughput, for the cpu (width 512) and
 * paper (width 2048) presets: plain tfjs-wasm against wasm + MLAS in both thread layouts on this
 * machine's cores (one trainer whose GEMMs use 2 threads, or 2 data-parallel workers of 1 GEMM
 * thread each), beside the same network in PyTorch (bench/pytorch_step.py) at the same thread
 * count, in the same run. Each row runs in its own process (bench/train-case.ts).
 * Targets (issue 9): cpu preset ≤ 1.5× PyTorch's step time, paper preset ≤ 2×.
 */
export default async function trainBench(): Promise<BenchTable> {
  const notes: string[] = [];
  const cpuPreset = { preset: 'cpu', body: 'stand-in LBS', warmup: 1, timed: 3 } as const;
  const paperPreset = { preset: 'paper', body: 'stand-in LBS', warmup: 1, timed: 2 } as const;
  const cases: TrainCase[] = [
    { ...cpuPreset, backend: 'wasm', threads: 1, gemmThreads: 1, predict: true },
    { ...cpuPreset, backend: 'wasm', threads: 2, gemmThreads: 1, predict: false },
    { ...cpuPreset, backend: 'wasm-mlas', threads: 1, gemmThreads: 1, predict: true },
    { ...cpuPreset, backend: 'wasm-mlas', threads: 1, gemmThreads: 2, predict: true },
    { ...cpuPreset, backend: 'wasm-mlas', threads: 2, gemmThreads: 1, predict: false },
    { ...cpuPreset, backend: 'wasm-mlas', body: 'linear', threads: 1, gemmThreads: 1, predict: false },
    { ...paperPreset, backend: 'wasm', threads: 1, gemmThreads: 1, predict: false },
    { ...paperPreset, backend: 'wasm-mlas', threads: 1, gemmThreads: 1, predict: false },
    { ...paperPreset, backend: 'wasm-mlas', threads: 1, gemmThreads: 2, predict: true },
    { ...paperPreset, backend: 'wasm-mlas', threads: 2, gemmThreads: 1, predict: false },
  ];
  const torch = pytorchTimes(notes);
  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const result = runCase(c);
    const cores = c.threads * c.gemmThreads;
    const reference = torch.get(`${c.preset}/${cores}`);
    const frames = 8 * 20;
    rows.push([
      c.backend === 'wasm-mlas' ? 'wasm + mlas' : c.backend,
      c.preset,
      c.body,
      `${c.threads} × ${c.backend === 'wasm-mlas' ? c.gemmThreads : '—'}`,
      result.msPerStep,
      result.cpuMsPerStep,
      (frames * 1000) / result.msPerStep,
      result.gemmFlopsPerStep ? (result.gemmFlopsPerStep / result.msPerStep / 1e6).toFixed(0) : '—',
      reference ? `${reference.msPerStep.toFixed(0)} (${reference.cpuMsPerStep.toFixed(0)} cpu)` : '—',
      reference ? `${(result.msPerStep / reference.msPerStep).toFixed(2)}×` : '—',
      result.maxRssMb,
      result.predictFramesPerSecond ?? '—',
    ]);
  }
  notes.push(
    'threads: "gradient workers × GEMM threads per worker"; PyTorch runs with torch.set_num_threads(workers × GEMM threads) and is compared at that count',
    'cpu ms/step: process CPU time of all threads; it moves less than wall time when other work shares the machine',
    'GFLOP/s: 2·m·k·n of the products the native GEMM ran in a step, over the whole step\'s wall time (the products\' own rate is higher)',
    'predict frames/s: predictSequence over 4 × 200 frames (sliding windows, every head, the stand-in body model)',
    'targets (issue 9): cpu preset ≤ 1.5× PyTorch, paper preset ≤ 2×',
  );
  return {
    title: 'hmmr train: one optimiser step, batch 8 × 20 frames',
    columns: ['backend', 'preset', 'body model', 'threads', 'ms/step', 'cpu ms/step', 'frames/s', 'GEMM GFLOP/s', 'PyTorch ms/step', 'ours / PyTorch', 'peak RSS MB', 'predict frames/s'],
    rows,
    notes,
  };
}

function runCase(c: TrainCase): TrainCaseResult {
  const script = fileURLToPath(new URL('./train-case.js', import.meta.url));
  const output = execFileSync(process.execPath, [script, JSON.stringify(c)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(output.trim().split('\n').at(-1)!) as TrainCaseResult;
}

/** PyTorch's ms/step by preset and thread count ('cpu/2'), when /usr/bin/python3 has torch. */
function pytorchTimes(notes: string[]): Map<string, TorchResult> {
  const times = new Map<string, TorchResult>();
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    notes.push('PyTorch column skipped: `/usr/bin/python3 -c "import torch"` fails on this machine (apt-get install python3-torch libopenblas0-openmp)');
    return times;
  }
  for (const [preset, width] of [['cpu', 512], ['paper', 2048]] as const) {
    for (const threads of [1, 2]) {
      const result = spawnSync('/usr/bin/python3', [projectPath('bench', 'pytorch_step.py'), '--width', String(width), '--threads', String(threads), '--steps', '3'], { encoding: 'utf8' });
      if (result.status !== 0) {
        notes.push(`pytorch_step.py --width ${width} --threads ${threads} failed: ${result.stderr.split('\n').filter(Boolean).at(-1)}`);
        continue;
      }
      times.set(`${preset}/${threads}`, JSON.parse(result.stdout.trim().split('\n').at(-1)!) as TorchResult);
    }
  }
  const blas = [...times.values()][0]?.blas;
  if (blas) notes.push(`PyTorch's BLAS at run time: ${blas}${/openblas/i.test(blas) ? '' : ' (not OpenBLAS: install libopenblas0-openmp, or PyTorch runs ~100× slow)'}`);
  return times;
}
