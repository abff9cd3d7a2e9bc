import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BadInputFileError } from '../../src/errors.js';
import { loadEvalFile, matchEvalSets, writeEvalFile } from '../../src/eval/eval-file.js';
import type { EvalSet } from '../../src/eval/eval-set.js';
import { makeNpyArray, writeNpz, type NpyArray } from '../../src/util/npz.js';

const dir = mkdtempSync(join(tmpdir(), 'hmmr-eval-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const frame3d = (offset: number): number[][] => Array.from({ length: 14 }, (_, j) => [j * 0.1 + offset, -j * 0.05, 2 + offset]);
const frame2d = (): number[][] => Array.from({ length: 14 }, (_, j) => [100 + j, 50 + 5 * j]);

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

function validFile(sequences = [{ name: 'a', frames: 3 }, { name: 'b', frames: 2 }]): Record<string, unknown> {
  return {
    fps: 25,
    joints: 'lsp14',
    sequences: sequences.map(({ name, frames }) => ({
      name,
      joints3d: Array.from({ length: frames }, (_, f) => frame3d(f * 0.01)),
      joints2d: Array.from({ length: frames }, frame2d),
      visible: Array.from({ length: frames }, () => Array<number>(14).fill(1)),
    })),
  };
}

function assertBadFile(run: () => unknown, path: string, reason: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof BadInputFileError, `expected BadInputFileError, got ${String(error)}`);
    assert.equal(error.path, path);
    assert.match(error.reason, reason);
    return true;
  });
}

test('a valid JSON eval file loads into flat arrays, and writing it back round-trips', () => {
  const path = writeJson('valid.json', validFile());
  const set = loadEvalFile(path);
  assert.equal(set.fps, 25);
  assert.equal(set.jointSet, 'lsp14');
  assert.deepEqual(set.sequences.map((s) => [s.name, s.frameCount]), [['a', 3], ['b', 2]]);
  const a = set.sequences[0]!;
  assert.equal(a.joints3d.length, 3 * 14 * 3);
  assert.equal(a.joints3d[(1 * 14 + 2) * 3], 0.2 + 0.01);
  assert.equal(a.joints2d![(0 * 14 + 13) * 2 + 1], 115);
  assert.equal(a.visible!.length, 3 * 14);

  const copy = join(dir, 'copy.json');
  writeEvalFile(copy, set);
  const again = loadEvalFile(copy);
  assert.deepEqual(again.sequences.map((s) => s.name), ['a', 'b']);
  for (let i = 0; i < a.joints3d.length; i++) assert.ok(Math.abs(again.sequences[0]!.joints3d[i]! - a.joints3d[i]!) <= 5e-7);
  assert.deepEqual([...again.sequences[0]!.visible!], [...a.visible!]);
});

test('malformed eval files fail with the file and the offending element named', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not-json.json', '{"fps": 25, "joints": ', /not valid JSON/],
    ['array.json', [1, 2], /top level: expected an object/],
    ['joint-set.json', { ...validFile(), joints: 'coco18' }, /joint set 'coco18' is not supported/],
    ['no-seqs.json', { ...validFile(), sequences: [] }, /sequences: expected a non-empty array/],
    ['fps.json', { ...validFile(), fps: -1 }, /fps: expected a positive number/],
  ];
  for (const [name, content, reason] of cases) {
    const path = writeJson(name, content);
    assertBadFile(() => loadEvalFile(path), path, reason);
  }

  const wrongJointCount = validFile();
  (wrongJointCount.sequences as { joints3d: number[][][] }[])[1]!.joints3d[1]!.pop();
  const jointsPath = writeJson('joints13.json', wrongJointCount);
  assertBadFile(() => loadEvalFile(jointsPath), jointsPath, /sequences\[1\]\.joints3d\[1\]: expected 14 joints, got 13/);

  const badNumber = validFile();
  (badNumber.sequences as { joints3d: unknown[][][] }[])[0]!.joints3d[2]![4] = [0, 'x', 1];
  const numberPath = writeJson('nan.json', badNumber);
  assertBadFile(() => loadEvalFile(numberPath), numberPath, /sequences\[0\]\.joints3d\[2\]\[4\]: expected \[x, y, z\] of finite numbers/);

  const short2d = validFile();
  (short2d.sequences as { joints2d: unknown[] }[])[0]!.joints2d.pop();
  const shortPath = writeJson('short2d.json', short2d);
  assertBadFile(() => loadEvalFile(shortPath), shortPath, /joints2d: has 2 frames but joints3d has 3/);

  const duplicate = validFile([{ name: 'a', frames: 1 }, { name: 'a', frames: 1 }]);
  const duplicatePath = writeJson('dup.json', duplicate);
  assertBadFile(() => loadEvalFile(duplicatePath), duplicatePath, /duplicate sequence name 'a'/);

  const missingPath = join(dir, 'does-not-exist.json');
  assertBadFile(() => loadEvalFile(missingPath), missingPath, /cannot read: ENOENT/);
});

test('matching prediction to ground truth: reorders by name, rejects mismatched names, frame counts, fps', () => {
  const gt = loadEvalFile(writeJson('gt.json', validFile()));
  const reordered = validFile([{ name: 'b', frames: 2 }, { name: 'a', frames: 3 }]);
  const matched = matchEvalSets(loadEvalFile(writeJson('pred.json', reordered)), gt);
  assert.deepEqual(matched.sequences.map((s) => s.name), ['a', 'b']);

  const renamedPath = writeJson('renamed.json', validFile([{ name: 'a', frames: 3 }, { name: 'c', frames: 2 }]));
  assertBadFile(() => matchEvalSets(loadEvalFile(renamedPath), gt), renamedPath, /sequence 'c' not in the ground truth \(ground truth: .*gt\.json\)/);
  const fewerPath = writeJson('fewer.json', validFile([{ name: 'a', frames: 3 }]));
  assertBadFile(() => matchEvalSets(loadEvalFile(fewerPath), gt), fewerPath, /missing sequence 'b'/);
  const framesPath = writeJson('frames.json', validFile([{ name: 'a', frames: 3 }, { name: 'b', frames: 4 }]));
  assertBadFile(() => matchEvalSets(loadEvalFile(framesPath), gt), framesPath, /sequence 'b' has 4 frames, the ground truth has 2/);
  const fpsPath = writeJson('fps30.json', { ...validFile(), fps: 30 });
  assertBadFile(() => matchEvalSets(loadEvalFile(fpsPath), gt), fpsPath, /fps 30 differs from the ground truth's 25/);
  const set: EvalSet = { jointSet: 'lsp14', sequences: gt.sequences };
  assert.equal(matchEvalSets({ ...set, path: 'no-fps.json' }, gt).sequences.length, 2);
});

test('the .npz form round-trips and rejects wrong shapes, stray arrays and frame mismatches by name', () => {
  const set = loadEvalFile(writeJson('for-npz.json', validFile()));
  const npzPath = join(dir, 'set.npz');
  writeEvalFile(npzPath, set);
  const loaded = loadEvalFile(npzPath);
  assert.equal(loaded.fps, 25);
  assert.deepEqual(loaded.sequences.map((s) => [s.name, s.frameCount]), [['a', 3], ['b', 2]]);
  for (let i = 0; i < set.sequences[0]!.joints3d.length; i++) {
    assert.ok(Math.abs(loaded.sequences[0]!.joints3d[i]! - set.sequences[0]!.joints3d[i]!) < 1e-6);
  }
  assert.deepEqual([...loaded.sequences[1]!.joints2d!], [...set.sequences[1]!.joints2d!]);
  assert.deepEqual([...loaded.sequences[1]!.visible!], [...set.sequences[1]!.visible!]);

  const joints = (frames: number, joints = 14, dims = 3): NpyArray =>
    makeNpyArray('float32', [frames, joints, dims], new Float32Array(frames * joints * dims));
  const cases: [string, Record<string, NpyArray>, RegExp][] = [
    ['wrong-joints.npz', { 'walk/joints3d': joints(4, 13) }, /walk\/joints3d: shape \[4, 13, 3\], expected \[T, 14, 3\]/],
    ['stray.npz', { 'walk/joints3d': joints(4), betas: joints(1) }, /betas: unexpected array/],
    ['frames.npz', { 'walk/joints3d': joints(4), 'walk/joints2d': joints(5, 14, 2) }, /walk\/joints2d: has 5 frames but joints3d has 4/],
    ['no-3d.npz', { 'walk/joints2d': joints(5, 14, 2) }, /walk: has no joints3d array/],
  ];
  for (const [name, arrays, reason] of cases) {
    const path = join(dir, name);
    writeNpz(path, arrays);
    assertBadFile(() => loadEvalFile(path), path, reason);
  }
  const garbage = writeJson('garbage.npz', 'this is not a zip archive');
  assertBadFile(() => loadEvalFile(garbage), garbage, /not a zip/);
});

test('joints in millimetres where metres are expected are a clear error, in JSON and npz alike', () => {
  const metres = validFile();
  const millimetres = structuredClone(metres) as { sequences: { joints3d: number[][][] }[] };
  for (const sequence of millimetres.sequences) for (const frame of sequence.joints3d) for (const joint of frame) joint.forEach((v, k) => (joint[k] = v * 1000));
  loadEvalFile(writeJson('metres.json', metres));
  const json = writeJson('millimetres.json', millimetres);
  assertBadFile(() => loadEvalFile(json), json, /^sequences\[0\] 'a' joints3d frame 0 joint 0 is \d+\.\d from the body's centre: eval files hold metres and this looks like millimetres/);
  const npz = join(dir, 'millimetres.npz');
  writeEvalFile(npz, loadEvalFile(join(dir, 'metres.json')));
  const inMetres = loadEvalFile(npz);
  writeEvalFile(npz, { ...inMetres, sequences: inMetres.sequences.map((s) => ({ ...s, joints3d: s.joints3d.map((v) => v * 1000) })) });
  assertBadFile(() => loadEvalFile(npz), npz, /looks like millimetres/);
  // A person far from the camera (20 m) is still metres: the body's extent is what counts.
  const far = structuredClone(metres) as { sequences: { joints3d: number[][][] }[] };
  for (const sequence of far.sequences) for (const frame of sequence.joints3d) for (const joint of frame) joint[2] = joint[2]! + 20;
  loadEvalFile(writeJson('far.json', far));
});
