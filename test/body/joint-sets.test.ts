import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BODY25_NAMES,
  COCO18_NAMES,
  HMMR25_NAMES,
  KEYPOINT_SETS,
  SMPL_FLIP_PERMUTATION,
  canonicalMapping,
  flipSmplPose,
  keypointFlipPermutation,
  toCanonicalKeypoints,
} from '../../src/body/joint-sets.js';

const slot = (name: string) => HMMR25_NAMES.indexOf(name as (typeof HMMR25_NAMES)[number]);

test('SMPL flip swaps exactly the reference pairs', () => {
  const expectedPairs = [[1, 2], [4, 5], [7, 8], [10, 11], [13, 14], [16, 17], [18, 19], [20, 21], [22, 23]];
  const expected = Array.from({ length: 24 }, (_, j) => j);
  for (const [a, b] of expectedPairs) [expected[a], expected[b]] = [b!, a!];
  assert.deepEqual(Array.from(SMPL_FLIP_PERMUTATION), expected);
});

test('every flip permutation is an involution', () => {
  for (const set of Object.keys(KEYPOINT_SETS)) {
    const perm = keypointFlipPermutation(set);
    perm.forEach((j, i) => assert.equal(perm[j], i, `${set}: ${i} → ${j} → ${perm[j]}`));
  }
  SMPL_FLIP_PERMUTATION.forEach((j, i) => assert.equal(SMPL_FLIP_PERMUTATION[j], i));
});

test('hmmr25 follows the reference slot order and flips left/right names', () => {
  assert.equal(HMMR25_NAMES.length, 25);
  assert.deepEqual(HMMR25_NAMES.slice(12, 15), ['neck', 'head_top', 'nose']);
  const perm = keypointFlipPermutation('hmmr25');
  assert.equal(perm[0], 5); // LSP ankles
  assert.equal(perm[6], 11); // wrists
  assert.equal(perm[13], 13); // head top stays
  assert.equal(perm[19], 20); // big toes
  assert.equal(perm[23], 24); // foot-set ankles
  assert.deepEqual(KEYPOINT_SETS.lsp14, HMMR25_NAMES.slice(0, 14));
});

test('flipSmplPose swaps joints and negates y and z; flipping twice is the identity', () => {
  const pose = Float32Array.from({ length: 144 }, (_, i) => Math.sin(i * 1.7));
  const flipped = flipSmplPose(pose);
  // Left elbow (18) takes the right elbow's (19) rotation with y and z negated.
  assert.deepEqual(Array.from(flipped.subarray(18 * 3, 19 * 3)), [pose[57]!, -pose[58]!, -pose[59]!].map(Math.fround));
  // The root stays the root, mirrored.
  assert.deepEqual(Array.from(flipped.subarray(72, 75)), [pose[72]!, -pose[73]!, -pose[74]!].map(Math.fround));
  assert.deepEqual(Array.from(flipSmplPose(flipped)), Array.from(pose));
  assert.throws(() => flipSmplPose(new Float32Array(70)), /not a multiple of 72/);
  assert.throws(() => flipSmplPose(pose, pose), /in place/);
});

test('COCO-18 fills everything but the head top and toes; its ankles fill both ankle slots', () => {
  const { sourceIndex, mask } = canonicalMapping('coco18');
  const missing = HMMR25_NAMES.filter((_, s) => mask[s] === 0);
  assert.deepEqual(missing, ['head_top', 'left_big_toe', 'right_big_toe', 'left_small_toe', 'right_small_toe']);
  assert.equal(sourceIndex[slot('right_ankle')], COCO18_NAMES.indexOf('right_ankle'));
  assert.equal(sourceIndex[slot('right_foot_ankle')], COCO18_NAMES.indexOf('right_ankle'));
  assert.equal(sourceIndex[slot('left_ear')], COCO18_NAMES.indexOf('left_ear'));
});

test('BODY_25 heels fill the LSP ankle slots and its ankles the foot-set slots, as the reference does', () => {
  const { sourceIndex, mask } = canonicalMapping('body25');
  assert.equal(sourceIndex[slot('right_ankle')], BODY25_NAMES.indexOf('right_heel'));
  assert.equal(sourceIndex[slot('left_ankle')], BODY25_NAMES.indexOf('left_heel'));
  assert.equal(sourceIndex[slot('right_foot_ankle')], BODY25_NAMES.indexOf('right_ankle'));
  assert.equal(sourceIndex[slot('left_big_toe')], BODY25_NAMES.indexOf('left_big_toe'));
  assert.deepEqual(HMMR25_NAMES.filter((_, s) => mask[s] === 0), ['head_top']);
  assert.ok(!Array.from(sourceIndex).includes(BODY25_NAMES.indexOf('mid_hip')));
});

test('a descriptor with OpenPose-style names maps the same way as ours', () => {
  const openPoseNames = ['Nose', 'Neck', 'RShoulder', 'RElbow', 'RWrist', 'LShoulder', 'LElbow', 'LWrist', 'RHip', 'RKnee', 'RAnkle',
    'LHip', 'LKnee', 'LAnkle', 'REye', 'LEye', 'REar', 'LEar'];
  const fromNames = canonicalMapping({ name: 'coco18-openpose', keypoints: openPoseNames, limbs: [] });
  assert.deepEqual(fromNames, canonicalMapping('coco18'));
  assert.throws(() => canonicalMapping('mpii16'), /unknown keypoint format 'mpii16'/);
});

test('toCanonicalKeypoints moves triples into slots and zeroes what the format lacks', () => {
  const mapping = canonicalMapping('coco18');
  const detector = Float32Array.from({ length: 18 * 3 }, (_, i) => i + 1);
  const canonical = toCanonicalKeypoints(mapping, detector);
  const neck = COCO18_NAMES.indexOf('neck');
  assert.deepEqual(Array.from(canonical.subarray(slot('neck') * 3, slot('neck') * 3 + 3)), [neck * 3 + 1, neck * 3 + 2, neck * 3 + 3]);
  assert.deepEqual(Array.from(canonical.subarray(slot('head_top') * 3, slot('head_top') * 3 + 3)), [0, 0, 0]);
});
