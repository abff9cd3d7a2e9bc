import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadInputFileError } from '../../src/errors.js';
import { CONFIG_PRESETS, loadTrainConfig, parseTrainConfig, validateTrainConfig } from '../../src/train/config.js';
import { tempDir } from '../helpers/temp-dir.js';

test('presets carry the paper numbers and validate', () => {
  for (const config of Object.values(CONFIG_PRESETS)) validateTrainConfig(config, (reason) => assert.fail(`${config.name}: ${reason}`));
  const paper = CONFIG_PRESETS.paper!;
  assert.equal(paper.model.width, 2048);
  assert.equal(CONFIG_PRESETS.cpu!.model.width, 512);
  assert.deepEqual([paper.data.windowFrames, paper.data.batchSize, paper.model.deltaFrames], [20, 8, 5]);
  assert.deepEqual([paper.optim.encoderLr, paper.optim.discriminatorLr], [1e-5, 1e-4]);
  assert.deepEqual([paper.loss.kp, paper.loss.joints, paper.loss.smpl, paper.loss.const, paper.loss.shape, paper.loss.hallucinate, paper.loss.deltaKp], [60, 60, 60, 1, 1, 1, 60]);
  const ablation = CONFIG_PRESETS['single-frame']!.model;
  assert.deepEqual([ablation.temporal, ablation.deltaHeads, ablation.hallucinator], [false, false, false]);
});

test('a JSON config overrides a preset', () => {
  const path = join(tempDir(), 'run.json');
  writeFileSync(path, JSON.stringify({ extends: 'paper', model: { width: 1024 }, optim: { encoderLr: 1e-4 } }));
  const config = loadTrainConfig(path);
  assert.equal(config.model.width, 1024);
  assert.equal(config.optim.encoderLr, 1e-4);
  assert.equal(config.model.iefHidden, 1024);
  assert.equal(config.data.batchSize, 8);
});

test('bad config files are BadInputFileErrors that name the key', () => {
  const dir = tempDir();
  const cases: [unknown, RegExp][] = [
    [{ model: { widht: 3 } }, /unknown key 'model.widht'/],
    [{ model: { width: '512' } }, /'model.width' must be a number/],
    [{ model: { width: 100 } }, /multiple of 'model.groupNormGroups'/],
    [{ data: { batchSize: 8, microBatch: 3 } }, /multiple of 'data.microBatch'/],
    [{ extends: 'huge' }, /unknown preset 'huge'/],
    [[1, 2], /must be a JSON object/],
  ];
  cases.forEach(([json, reason], i) => {
    const path = join(dir, `bad${i}.json`);
    writeFileSync(path, JSON.stringify(json));
    assert.throws(() => loadTrainConfig(path), (error: unknown) => error instanceof BadInputFileError && error.path === path && reason.test(error.reason));
  });
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "model": ');
  assert.throws(() => loadTrainConfig(broken), /not valid JSON/);
  assert.throws(() => loadTrainConfig(join(dir, 'missing.json')), /no such config file or preset/);
});

test('a window no longer than the temporal receptive field is refused', () => {
  assert.throws(
    () => parseTrainConfig({ extends: 'cpu', data: { windowFrames: 13 } }, 'short.json'),
    (error: unknown) => error instanceof BadInputFileError && /short\.json: .*receptive field \(13 frames\)/.test(error.message),
  );
  assert.doesNotThrow(() => parseTrainConfig({ extends: 'single-frame', data: { windowFrames: 13 } }, 'single.json'));
});
