import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { projectPath } from '../../src/util/project-root.js';

/**
 * Every `hmmr` start imports every command's module (yargs needs their flags), so a heavy package
 * imported at the top of any of them is paid by all: tfjs alone is about a second. Commands load
 * what they run inside their handlers. This imports the command registry in a fresh process and
 * lists the CommonJS packages that came with it (each lands in require.cache, also when imported
 * from ESM).
 */
const HEAVY_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', 'onnxruntime-node', 'bullmq', 'ioredis', 'fastify'];

function packagesLoadedBy(modulePath: string): string[] {
  const compiled = fileURLToPath(import.meta.url).includes('/dist/');
  const source = compiled ? projectPath('dist', 'src', `${modulePath}.js`) : projectPath('src', `${modulePath}.ts`);
  const script = [
    "import { createRequire } from 'node:module';",
    `await import(${JSON.stringify(source)});`,
    'const names = Object.keys(createRequire(import.meta.url).cache).map((p) => p.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1]).filter(Boolean);',
    'console.log(JSON.stringify([...new Set(names)]));',
  ].join('\n');
  const result = spawnSync(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

test('starting hmmr loads neither tfjs, onnxruntime, BullMQ nor Fastify; the commands that run them load them', () => {
  const atStart = packagesLoadedBy('cli/commands/index');
  assert.deepEqual(HEAVY_PACKAGES.filter((name) => atStart.includes(name)), []);
  // The probe sees them when they do load: training's runner brings tfjs and onnxruntime.
  const training = packagesLoadedBy('train/run-train');
  assert.ok(training.includes('@tensorflow/tfjs') && training.includes('onnxruntime-node'), training.join(' '));
});
