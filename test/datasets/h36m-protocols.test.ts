import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { H36M, H36M17_FROM_32 } from '../../scripts/dataset-fixtures/known-values.js';
import type { EvalReport } from '../../src/eval/report.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';

interface EvalJson {
  fps: number;
  joints: string;
  sequences: { name: string; joints3d: number[][][]; joints2d?: number[][][]; visible?: number[][] }[];
}

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 5e-7 + 1e-12, `${what}: ${actual} vs ${expected}`);

/** Camera-frame position of H36M-17 joint j of the S9 clip, camera k, frame f, from the fixture's formulas. */
function expectedJoint(k: number, f: number, j: number): number[] {
  const { orientation, translation } = H36M.camera(k);
  const relative = [0, 1, 2].map((a) => H36M.jointWorld(1, f, H36M17_FROM_32[j]!, a) - translation[a]! / 1000);
  // The fixture's cameras are the identity (w = 1) or a half turn about z: (x, y, z) → (−x, −y, z).
  return orientation[0] === 1 ? relative : [-relative[0]!, -relative[1]!, relative[2]!];
}

test('Human3.6M: export --joints h36m17 gives the 17 camera-frame joints; eval scores them as protocols 1 and 2', async () => {
  const dir = tempDir();
  const db = join(dir, 'hmmr.db');
  const imported = await runCli(['--db', db, 'import', 'h36m', fixture('h36m')]);
  assert.equal(imported.code, 0, imported.stderr);
  const gtPath = join(dir, 'gt17.json');
  const exported = await runCli(['--db', db, 'export', '--format', 'eval-gt', '--split', 'test', '--prefix', 'h36m/', '--joints', 'h36m17', '--out', gtPath]);
  assert.equal(exported.code, 0, exported.stderr);
  const gt = JSON.parse(readFileSync(gtPath, 'utf8')) as EvalJson;
  assert.equal(gt.joints, 'h36m17');
  assert.equal(gt.fps, 50);
  gt.sequences.forEach((sequence, k) => {
    for (let f = 0; f < H36M.frames; f++) {
      assert.equal(sequence.joints3d[f]!.length, 17);
      for (let j = 0; j < 17; j++) expectedJoint(k, f, j).forEach((value, a) => close(sequence.joints3d[f]![j]![a]!, value, `camera ${k} frame ${f} joint ${j} axis ${a}`));
    }
  });

  // Predictions: the ground truth shifted as a whole by 10 cm (removed by the pelvis alignment), with
  // the left wrist (joint 13) 17 mm further along y. Protocol 1: 17 mm on one of 17 joints = 1 mm per
  // joint; the shift alone scores 0 on both protocols.
  const shifted = (moveWrist: boolean): EvalJson => ({
    ...gt,
    sequences: gt.sequences.map((sequence) => ({
      name: sequence.name,
      joints3d: sequence.joints3d.map((frame) => frame.map((point, j) => [point[0]! + 0.1, point[1]! + (moveWrist && j === 13 ? 0.017 : 0), point[2]!])),
    })),
  });
  const evaluate = async (pred: EvalJson): Promise<EvalReport> => {
    const predPath = join(dir, 'pred.json');
    writeFileSync(predPath, JSON.stringify(pred));
    const result = await runCli(['eval', '--pred', predPath, '--gt', gtPath, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as EvalReport;
  };
  const metric = (report: EvalReport, key: string) => report.rows.find((row) => row.key === key)!;
  const wrist = await evaluate(shifted(true));
  assert.equal(wrist.jointSet, 'h36m17');
  assert.equal(metric(wrist, 'mpjpe').label, 'MPJPE, protocol 1 (pelvis-aligned)');
  assert.equal(metric(wrist, 'pa_mpjpe').label, 'PA-MPJPE, protocol 2 (similarity Procrustes)');
  assert.ok(Math.abs(metric(wrist, 'mpjpe').perSequence! - 1) < 1e-3, `protocol 1: ${metric(wrist, 'mpjpe').perSequence}`);
  assert.ok(metric(wrist, 'pa_mpjpe').perSequence! > 0);
  const whole = await evaluate(shifted(false));
  assert.ok(metric(whole, 'mpjpe').perSequence! < 1e-3 && metric(whole, 'pa_mpjpe').perSequence! < 1e-3);

  // A similarity transform (90° about z, scale 1.5, a shift) costs protocol 1 the pelvis-relative
  // difference |1.5 R d − d| per joint, and protocol 2 nothing.
  const turn = (p: number[]) => [-1.5 * p[1]! + 0.2, 1.5 * p[0]! - 0.1, 1.5 * p[2]! + 0.3];
  const turned = await evaluate({ ...gt, sequences: gt.sequences.map((sequence) => ({ name: sequence.name, joints3d: sequence.joints3d.map((frame) => frame.map(turn)) })) });
  let sum = 0;
  let count = 0;
  for (const sequence of gt.sequences) {
    for (const frame of sequence.joints3d) {
      for (const point of frame) {
        const d = [0, 1, 2].map((a) => point[a]! - frame[0]![a]!);
        const moved = [-1.5 * d[1]!, 1.5 * d[0]!, 1.5 * d[2]!];
        sum += Math.hypot(moved[0]! - d[0]!, moved[1]! - d[1]!, moved[2]! - d[2]!);
      }
      count++;
    }
  }
  const expectedMm = (sum / count / 17) * 1000;
  assert.ok(Math.abs(metric(turned, 'mpjpe').allFrames! - expectedMm) < 1e-3, `protocol 1: ${metric(turned, 'mpjpe').allFrames} vs ${expectedMm}`);
  assert.ok(metric(turned, 'pa_mpjpe').allFrames! < 1e-3, `protocol 2: ${metric(turned, 'pa_mpjpe').allFrames}`);

  // The LSP-14 export of the same tubes is unchanged: the 14 picked from the stored 17 (covered joint by joint in h36m-import.test.ts).
  const lspPath = join(dir, 'gt14.json');
  const lsp = await runCli(['--db', db, 'export', '--format', 'eval-gt', '--split', 'test', '--prefix', 'h36m/', '--out', lspPath]);
  assert.equal(lsp.code, 0, lsp.stderr);
  assert.equal((JSON.parse(readFileSync(lspPath, 'utf8')) as EvalJson).sequences[0]!.joints3d[0]!.length, 14);

  // Synthetic tubes store LSP-14 only: asking for the 17 names the tube and the set.
  const synthDb = join(dir, 'synth.db');
  const synth = await runCli(['synth', '--db', synthDb, '--out', join(dir, 'synth'), '--sequences', '2', '--frames', '12', '--test-fraction', '0.5', '--seed', '1', '--backend', 'cpu']);
  assert.equal(synth.code, 0, synth.stderr);
  const refused = await runCli(['--db', synthDb, 'export', '--format', 'eval-gt', '--joints', 'h36m17', '--out', join(dir, 'x.json')]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /joint set 'lsp14' has no h36m17 joints/);
});
