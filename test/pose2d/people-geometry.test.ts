import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flagPeople } from '../../bench/people-geometry.js';
import type { Person2D } from '../../src/domain.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { coco18Person, type TruePerson } from './synthetic-maps.js';

const NAMES = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat.keypoints;
const LEFT_WRIST = NAMES.indexOf('left_wrist');

/** A decoded person holding the given keypoints of a true one (all by default). */
function person(truth: TruePerson, parts: (part: number) => boolean = () => true): Person2D {
  const keypoints = new Float32Array(truth.length * 3);
  truth.forEach((point, part) => {
    if (!point || !parts(part)) return;
    keypoints.set([point[0], point[1], 0.8], part * 3);
  });
  return { keypoints, score: 0.8, partCount: truth.filter((point, part) => point && parts(part)).length };
}

const random = seededRandom(5);
// A street: six people of 150–400 px in random poses, side by side.
const street = [150, 220, 300, 400, 260, 180].map((height, i) => coco18Person(100 + i * 200, 100, height, random, i % 2 === 1));

test('people in ordinary poses, side by side: no flags', () => {
  assert.deepEqual(flagPeople(street.map((truth) => person(truth)), NAMES), []);
});

test('a wrist taken from the neighbour: flagged merged, on that limb', () => {
  const people = street.map((truth) => person(truth));
  // The decoder gives each keypoint to one person: the neighbour loses it.
  people[2]!.keypoints.set(people[3]!.keypoints.subarray(LEFT_WRIST * 3, LEFT_WRIST * 3 + 3), LEFT_WRIST * 3);
  people[3]!.keypoints.fill(0, LEFT_WRIST * 3, LEFT_WRIST * 3 + 3);
  const flags = flagPeople(people, NAMES);
  assert.deepEqual(flags.map((flag) => [flag.kind, flag.person]), [['merged', 2]]);
  assert.match(flags[0]!.detail, /^left_elbow-left_wrist/);
});

test('one person as an upper-body and a lower-body skeleton: flagged as a fragment pair', () => {
  const lowerBody = new Set(['right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee', 'left_ankle'].map((name) => NAMES.indexOf(name)));
  const people = [...street.slice(0, 3).map((truth) => person(truth)), person(street[3]!, (part) => !lowerBody.has(part)), person(street[3]!, (part) => lowerBody.has(part))];
  assert.deepEqual(flagPeople(people, NAMES).map((flag) => [flag.kind, flag.person, flag.other]), [['fragment', 3, 4]]);
});

test('the same person decoded twice, 3 px apart: flagged duplicate', () => {
  const twin = street[1]!.map((point) => (point ? ([point[0] + 3, point[1]] as [number, number]) : null));
  const people = [...street.map((truth) => person(truth)), person(twin)];
  assert.deepEqual(flagPeople(people, NAMES).map((flag) => [flag.kind, flag.person, flag.other]), [['duplicate', 1, 6]]);
});
