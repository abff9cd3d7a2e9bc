import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { COCO18_NAMES, KEYPOINT_SETS } from '../../src/body/joint-sets.js';
import { LbsBodyModel } from '../../src/body/lbs.js';
import { loadBodyModelFile } from '../../src/body/load.js';
import { bodyModelKeypoints } from '../../src/synth/body-keypoints.js';
import { generateSyntheticSequence, planSyntheticSet, type SyntheticSequence, type SynthOptions } from '../../src/synth/generate.js';
import { runSynth } from '../../src/synth/run-synth.js';
import { openDatabase } from '../../src/store/database.js';
import { readTubeTake } from '../../src/store/ground-truth.js';
import { listTubes, loadTubes } from '../../src/store/tubes.js';
import { boxDiagonal } from '../../src/tracker/keypoint-box.js';
import { initBackend } from '../../src/tf/backend.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-synth-');
const options = (overrides: Partial<SynthOptions> = {}): SynthOptions => ({
  sequences: 4,
  frames: 100,
  fps: 25,
  seed: 7,
  testFraction: 0.25,
  detectorFormat: { name: 'coco18', keypoints: COCO18_NAMES },
  ...overrides,
});

let body: LbsBodyModel;
let sequences: SyntheticSequence[];
before(async () => {
  await initBackend('cpu');
  body = new LbsBodyModel(loadBodyModelFile());
  const keypointsOf = bodyModelKeypoints(body, 'coco18');
  sequences = planSyntheticSet(options()).map((planned) => generateSyntheticSequence(keypointsOf, planned, options()));
});

const LSP = KEYPOINT_SETS.lsp14!;
const joint = (sequence: SyntheticSequence, f: number, name: string): [number, number, number] => {
  const k = LSP.indexOf(name);
  const i = (f * 14 + k) * 3;
  return [sequence.joints3d[i]!, sequence.joints3d[i + 1]!, sequence.joints3d[i + 2]!];
};
const phaseAt = (sequence: SyntheticSequence, f: number) => 2 * Math.PI * sequence.spec.cyclesPerSecond * (f / sequence.fps) + sequence.spec.phase0;

test('planning: motions rotate through the library, the split follows the fraction, the same seed plans the same set', () => {
  const plan = planSyntheticSet(options({ sequences: 10, testFraction: 0.2 }));
  assert.deepEqual(plan.slice(0, 8).map((p) => p.spec.motion), ['walk', 'run', 'jumping-jacks', 'squat', 'arm-swings', 'golf-swing', 'turn-in-place', 'walk']);
  assert.equal(plan.filter((p) => p.split === 'test').length, 2);
  assert.deepEqual(planSyntheticSet(options({ sequences: 10, testFraction: 0.2 })), plan);
  assert.notDeepEqual(planSyntheticSet(options({ sequences: 10, seed: 8 })).map((p) => p.spec.viewYaw), plan.map((p) => p.spec.viewYaw));
  assert.equal(planSyntheticSet(options({ sequences: 3, testFraction: 0.01 })).filter((p) => p.split === 'test').length, 1);
  assert.equal(planSyntheticSet(options({ sequences: 3, testFraction: 0 })).filter((p) => p.split === 'test').length, 0);
});

test('--train-views: each train motion is seen again turned about the vertical axis by 360°/N; test sequences and first views are unchanged', () => {
  const one = options({ sequences: 4, frames: 12 });
  const three = options({ sequences: 4, frames: 12, trainViews: 3 });
  const plan = planSyntheticSet(three);
  const firstViews = planSyntheticSet(one);
  assert.deepEqual(plan.slice(0, firstViews.length), firstViews.map((p) => ({ ...p, view: 0 })));
  const train = firstViews.filter((p) => p.split === 'train');
  assert.equal(plan.length, firstViews.length + 2 * train.length);
  assert.equal(plan.filter((p) => p.split === 'test').length, firstViews.filter((p) => p.split === 'test').length);
  assert.equal(new Set(plan.map((p) => p.spec.name)).size, plan.length);

  // The motion's own 3D, turned: for every pair of joints the height difference is the same and the
  // horizontal difference is rotated. The body's root is Rx(π)·Ry(yaw) (y down in the camera
  // frame), so a body turn of +Δ is Ry(−Δ) in camera coordinates: x' = x cos Δ − z sin Δ, z' = x sin Δ + z cos Δ.
  const keypointsOf = bodyModelKeypoints(body, 'coco18');
  const first = train[0]!;
  const second = plan.find((p) => p.index === first.index && p.view === 1)!;
  const a = generateSyntheticSequence(keypointsOf, first, three);
  const b = generateSyntheticSequence(keypointsOf, second, three);
  const delta = (2 * Math.PI) / 3;
  for (let f = 0; f < 12; f += 5) {
    for (const [p, q] of [['right_ankle', 'left_wrist'], ['head_top', 'right_hip'], ['left_shoulder', 'right_knee']] as const) {
      const [ax, ay, az] = joint(a, f, p).map((v, i) => v - joint(a, f, q)[i]!);
      const [bx, by, bz] = joint(b, f, p).map((v, i) => v - joint(b, f, q)[i]!);
      assert.ok(Math.abs(by! - ay!) < 1e-5, `frame ${f} ${p}-${q}: height ${by} vs ${ay}`);
      assert.ok(Math.abs(bx! - (ax! * Math.cos(delta) - az! * Math.sin(delta))) < 1e-5, `frame ${f} ${p}-${q}: x`);
      assert.ok(Math.abs(bz! - (ax! * Math.sin(delta) + az! * Math.cos(delta))) < 1e-5, `frame ${f} ${p}-${q}: z`);
    }
  }
  // Its own detector noise, and its own track id.
  assert.notDeepEqual(b.tube.frames[0]!.keypoints, a.tube.frames[0]!.keypoints);
  assert.notEqual(b.tube.trackId, a.tube.trackId);
});

test('the detector keypoints of a tube agree with the 3D ground truth projected by the crop camera', () => {
  // Same joints in both sets, by name; detector noise is ~2.5 cm, i.e. a few crop pixels.
  const shared = ['right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow', 'left_wrist', 'right_hip', 'right_knee', 'left_hip', 'left_knee'];
  for (const sequence of sequences) {
    const distances: number[] = [];
    sequence.tube.frames.forEach((frame, f) => {
      assert.ok(Math.abs(frame.crop.scale * boxDiagonal(frame.box) - 150) < 25, 'the crop puts the box diagonal near 150 px');
      for (const name of shared) {
        const c = COCO18_NAMES.indexOf(name as never);
        if (!(frame.keypoints[c * 3 + 2]! > 0)) continue;
        const x = (frame.keypoints[c * 3]! - frame.crop.centerX) * frame.crop.scale + 112;
        const y = (frame.keypoints[c * 3 + 1]! - frame.crop.centerY) * frame.crop.scale + 112;
        const k = LSP.indexOf(name);
        distances.push(Math.hypot(x - sequence.joints2dCrop[(f * 14 + k) * 2]!, y - sequence.joints2dCrop[(f * 14 + k) * 2 + 1]!));
      }
    });
    distances.sort((a, b) => a - b);
    const median = distances[Math.floor(distances.length / 2)]!;
    const within = distances.filter((d) => d < 11.2).length / distances.length;
    assert.ok(distances.length > sequence.frameCount * 5, `${sequence.spec.name}: ${distances.length} detections`);
    assert.ok(median < 4, `${sequence.spec.name}: median ${median.toFixed(2)} crop px`);
    assert.ok(within > 0.9, `${sequence.spec.name}: ${(within * 100).toFixed(1)}% within 11.2 px`);
    for (let i = 0; i < sequence.joints2dCrop.length; i++) assert.ok(sequence.joints2dCrop[i]! > 0 && sequence.joints2dCrop[i]! < 224);
  }
});

test('motions mean what they say on the posed body: walking legs alternate, jacks raise the arms, squats go down', () => {
  const [walk, , jacks, squat] = sequences as [SyntheticSequence, SyntheticSequence, SyntheticSequence, SyntheticSequence];
  // Walk: with the left hip flexed forward (sin φ > 0.7) the left ankle is ahead along the body's facing.
  const yaw = walk.spec.viewYaw;
  const forward = [Math.sin(yaw), 0, -Math.cos(yaw)];
  let checked = 0;
  for (let f = 0; f < walk.frameCount; f++) {
    const s = Math.sin(phaseAt(walk, f));
    if (Math.abs(s) < 0.7) continue;
    const left = joint(walk, f, 'left_ankle');
    const right = joint(walk, f, 'right_ankle');
    const ahead = (left[0] - right[0]) * forward[0]! + (left[2] - right[2]) * forward[2]!;
    assert.ok(Math.sign(ahead) === Math.sign(s), `walk frame ${f}: left ankle ${ahead.toFixed(3)} m ahead at sin φ = ${s.toFixed(2)}`);
    checked++;
  }
  assert.ok(checked > 20);
  // Jumping jacks (camera y points down): wrists above the neck at the top, below the shoulders at the bottom.
  for (let f = 0; f < jacks.frameCount; f++) {
    const c = Math.cos(phaseAt(jacks, f));
    const wristY = (joint(jacks, f, 'left_wrist')[1] + joint(jacks, f, 'right_wrist')[1]) / 2;
    if (c < -0.95) assert.ok(wristY < joint(jacks, f, 'neck')[1], `jacks frame ${f}: wrists up`);
    if (c > 0.95) assert.ok(wristY > joint(jacks, f, 'right_shoulder')[1], `jacks frame ${f}: wrists down`);
  }
  // Squat: hips come down towards the ankles at the bottom of the cycle.
  const hipToAnkle = (f: number) => joint(squat, f, 'right_ankle')[1] - joint(squat, f, 'right_hip')[1];
  const heights = Array.from({ length: squat.frameCount }, (_, f) => [Math.cos(phaseAt(squat, f)), hipToAnkle(f)] as const);
  const top = Math.min(...heights.filter(([c]) => c > 0.9).map(([, h]) => h));
  const bottom = Math.max(...heights.filter(([c]) => c < -0.9).map(([, h]) => h));
  assert.ok(bottom < 0.8 * top, `squat: hip above ankle ${bottom.toFixed(2)} m at the bottom vs ${top.toFixed(2)} m standing`);
});

test('--train-views: the views of one motion are one take in the store, and re-running the seed replaces the takes with the tubes', async () => {
  const db = openDatabase(join(dir, 'takes.db'));
  try {
    for (let run = 0; run < 2; run++) await runSynth(db, body, join(dir, 'takes'), options({ sequences: 3, frames: 6, seed: 4, testFraction: 0.34, trainViews: 2 }));
    const tubes = listTubes(db);
    const takes = new Map(tubes.map((tube) => [tube.name, readTubeTake(db, tube.id)]));
    assert.equal(tubes.length, 5, '2 train motions × 2 views + 1 test motion');
    for (const tube of tubes.filter((t) => t.name.endsWith('-view1'))) {
      const first = tube.name.slice(0, -'-view1'.length);
      assert.equal(takes.get(tube.name), first, `${tube.name} is a view of ${first}`);
      assert.equal(takes.get(first), first);
    }
    assert.equal(new Set(takes.values()).size, 3, 'one take per motion');
    assert.equal((db.prepare('SELECT count(*) AS n FROM tube_takes').get() as { n: number }).n, 5, 'the first run\'s takes went with its tubes');
  } finally {
    db.close();
  }
});

test('hmmr synth output is deterministic under a seed: same seed, same bytes; another seed, other data', async () => {
  const run = async (name: string, seed: number) => {
    const db = openDatabase(join(dir, `${name}.db`));
    try {
      await runSynth(db, body, join(dir, name), options({ sequences: 3, frames: 20, seed, testFraction: 0.34 }));
      return {
        gt: readFileSync(join(dir, name, 'gt.json')),
        train: readFileSync(join(dir, name, 'gt-train.json')),
        keypoints: loadTubes(db, { tier: 'mocap3d' }).flatMap((tube) => tube.frames.map((frame) => Buffer.from(frame.keypoints.buffer).toString('hex'))),
      };
    } finally {
      db.close();
    }
  };
  const first = await run('a', 5);
  const second = await run('b', 5);
  const other = await run('c', 6);
  assert.ok(first.gt.equals(second.gt) && first.train.equals(second.train), 'same seed, identical ground-truth files');
  assert.deepEqual(first.keypoints, second.keypoints);
  assert.equal(first.keypoints.length, 3 * 20);
  assert.ok(!first.gt.equals(other.gt) && !first.train.equals(other.train));
  assert.notDeepEqual(first.keypoints, other.keypoints);
});
