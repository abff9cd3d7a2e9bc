import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../src/cli/commands/index.js';
import { runCli } from '../helpers/run-cli.js';

test('hmmr --help lists every command with its purpose and an example', async () => {
  const result = await runCli(['--help']);
  assert.equal(result.code, 0);
  for (const { module, example } of commands) {
    const name = String(module.command).split(' ')[0]!;
    assert.match(result.stdout, new RegExp(`hmmr ${name}\\b.*${escape(String(module.describe).slice(0, 30))}`));
    assert.ok(result.stdout.includes(example[0].replace('$0', 'hmmr')), `no example for ${name}`);
  }
  assert.match(result.stdout, /Exit codes: 0 success, 1 usage or fatal error, 3/);
});

test('every command has its own --help', async () => {
  for (const { module } of commands) {
    const name = String(module.command).split(' ')[0]!;
    const result = await runCli([name, '--help']);
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    assert.match(result.stdout, /--db/);
  }
});

test('an unknown command is a usage error (exit 1)', async () => {
  const result = await runCli(['frobnicate']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Unknown argument|Did you mean/);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
