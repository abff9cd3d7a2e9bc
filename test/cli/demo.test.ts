import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CheckpointEvaluation } from '../../src/eval/evaluate-checkpoint.js';
import type { DemoResult } from '../../src/demo/run-demo.js';
import { projectPath } from '../../src/util/project-root.js';
import { ffprobePath } from '../../src/video/ffmpeg-binaries.js';
import { cliInvocation, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-demo-');
const out = join(dir, 'demo');
// Small enough for the suite: 8 labelled frames per second, 4 short synthetic sequences, 2 steps.
const flags = ['demo', '--out', out, '--fps', '8', '--sequences', '4', '--frames', '24', '--steps', '2'];

/** Starts the demo and sends SIGINT as soon as it announces the training stage. */
function interruptDuringTraining(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliInvocation(), ...flags], {
      cwd: projectPath(),
      env: { ...process.env, HMMR_PLAIN_PROGRESS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (!sent && stderr.includes('[3/5] fine-tune')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('hmmr demo: interrupted in training, then re-run: every output exists, the overlay has a frame per clip frame, the report is finite', async () => {
  const interrupted = await interruptDuringTraining();
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /\[1\/5\] clip[\s\S]*\[2\/5\] synthetic[\s\S]*\[3\/5\] fine-tune \S*models\/hmmr-embedded/);
  assert.match(interrupted.stderr, /interrupted; committed work is kept/);
  assert.ok(!existsSync(join(out, 'overlay.mp4')));

  const result = await runCli([...flags, '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /reusing 4 synthetic sequences/);
  const demo = JSON.parse(result.stdout) as DemoResult;
  assert.equal(demo.clip.labelling, 'reused', 'the clip was labelled by the interrupted run');
  assert.equal(demo.synth.reused, true);
  assert.equal(demo.train.step, 2);
  for (const path of [demo.paths.db, demo.checkpoint, demo.paths.metrics, demo.paths.evalReport, demo.paths.overlay]) {
    assert.ok(existsSync(path), path);
  }

  const probe = execFileSync(ffprobePath(), ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'json', demo.paths.overlay], { encoding: 'utf8' });
  const stream = (JSON.parse(probe) as { streams: { nb_read_frames: string; width: number; height: number }[] }).streams[0]!;
  assert.equal(Number(stream.nb_read_frames), 381, 'one output frame per frame of the clip');
  assert.equal(stream.height, 600);
  assert.ok(stream.width > 448, `the 3D panels widen the 448-px clip (got ${stream.width})`);

  const report = JSON.parse(readFileSync(demo.paths.evalReport, 'utf8')) as CheckpointEvaluation;
  assert.equal(report.split, 'test');
  assert.equal(report.step, 2);
  assert.equal(report.report.sequenceCount, 1);
  for (const row of report.report.rows) assert.ok(Number.isFinite(row.perSequence) && Number.isFinite(row.allFrames), `${row.key}: ${row.perSequence}`);
  for (const row of report.dynamics!.report!.rows) {
    for (const cell of Object.values(row.cells)) assert.ok(Number.isFinite(cell.perSequence) && cell.perSequence! > 0);
  }
  const lastLogged = JSON.parse(readFileSync(demo.paths.metrics, 'utf8').trim().split('\n').pop()!) as { step: number; encoderLoss: number };
  assert.equal(lastLogged.step, 2);
  assert.ok(Number.isFinite(lastLogged.encoderLoss));
});
