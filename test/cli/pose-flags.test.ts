import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli } from '../helpers/run-cli.js';

test('--quality is offered by label, demo and predict; --scales by label', async () => {
  for (const [command, flags] of [['label', ['--quality', '--scales']], ['demo', ['--quality']], ['predict', ['--quality']]] as const) {
    const result = await runCli([command, '--help']);
    assert.equal(result.code, 0, result.stderr);
    for (const flag of flags) assert.ok(result.stdout.includes(flag), `${command} --help lacks ${flag}`);
  }
});

test('bad pose flags are one-line usage errors (exit 1), before anything is opened or stored', async () => {
  const db = join(tempDir('hmmr-pose-flags-'), 'never.db');
  const cases: [string[], RegExp][] = [
    [['label', '--db', db, '--scales', '1,1.5'], /--scales: '1,1.5' is not a comma-separated list of scales in \(0, 1\]/],
    [['label', '--db', db, '--scales', '0.75,0.5'], /--scales: '0.75,0.5' must include 1/],
    [['predict', '--db', db, '--checkpoint', 'nowhere', '--quality', 'fast'], /--quality picks the pose model for --image/],
    [['demo', '--out', join(db, '..', 'demo'), '--quality', 'medium'], /quality/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  assert.ok(!existsSync(db), 'no database was created');
});
