import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-eval-cli-');

function evalFile(offsetMetres: number, frames = 6): string {
  const sequence = (name: string) => ({
    name,
    joints3d: Array.from({ length: frames }, (_, f) =>
      Array.from({ length: 14 }, (_, j) => [j * 0.1 + (j === 6 ? offsetMetres : 0), Math.sin(f * 0.3 + j) * 0.2, 3]),
    ),
  });
  return JSON.stringify({ fps: 25, joints: 'lsp14', sequences: [sequence('a'), sequence('b')] });
}

test('hmmr eval prints a labelled table with units, and the same numbers with --json', async () => {
  const gt = join(dir, 'gt.json');
  const pred = join(dir, 'pred.json');
  writeFileSync(gt, evalFile(0));
  writeFileSync(pred, evalFile(0.014)); // the right wrist 14 mm off: MPJPE 1 mm
  const table = await runCli(['eval', '--pred', pred, '--gt', gt]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /MPJPE \(pelvis-aligned\)\s+mm\s+1\.0\s+1\.0/);
  assert.match(table.stdout, /Accel error .*mm\/frame²/);
  assert.match(table.stdout, /Accel of prediction .*mm\/s²/);
  assert.match(table.stdout, /PCK.*n\/a.*needs joints2d/);

  const json = await runCli(['eval', '--pred', pred, '--gt', gt, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { rows: { key: string; perSequence: number | null; unit: string }[]; sequenceCount: number };
  assert.equal(report.sequenceCount, 2);
  const mpjpe = report.rows.find((row) => row.key === 'mpjpe')!;
  assert.equal(mpjpe.unit, 'mm');
  assert.ok(Math.abs(mpjpe.perSequence! - 1) < 1e-6);
});

test('hmmr eval names the file and the problem for bad or mismatched input (exit 1)', async () => {
  const gt = join(dir, 'gt2.json');
  writeFileSync(gt, evalFile(0));
  const truncated = join(dir, 'truncated.json');
  writeFileSync(truncated, evalFile(0).slice(0, 100));
  const bad = await runCli(['eval', '--pred', truncated, '--gt', gt]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^hmmr: .*truncated\.json: not valid JSON/m);

  const shorter = join(dir, 'shorter.json');
  writeFileSync(shorter, evalFile(0, 5));
  const mismatch = await runCli(['eval', '--pred', shorter, '--gt', gt]);
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /shorter\.json: sequence 'a' has 5 frames, the ground truth has 6/);
  assert.equal(mismatch.stdout, '');
});
