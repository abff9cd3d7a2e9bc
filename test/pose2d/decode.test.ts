import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { PoseDecoder } from '../../src/pose2d/decode.js';
import { OPENPOSE_DECODE_DEFAULTS } from '../../src/pose2d/decode-options.js';
import type { PoseMaps } from '../../src/pose2d/maps.js';
import { assertMatchesTruth } from './person-matching.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { coco18Person, inputGeometry, renderMaps, type RenderOptions, type TruePerson } from './synthetic-maps.js';

const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
const WIDTH = 1280;
const HEIGHT = 720;
const geometry = inputGeometry(WIDTH, HEIGHT, 368, descriptor.stride);
/** Keypoints closer than this to the frame edge may be clamped or dropped; all others must be exact. */
const EDGE_MARGIN_PX = 2;

function decodeScene(people: TruePerson[], decoder = new PoseDecoder(descriptor), options: RenderOptions = {}) {
  const { maps } = renderMaps(people, descriptor, geometry, options);
  return decoder.decode(maps, geometry);
}

function check(people: TruePerson[], options: RenderOptions = {}): number {
  const detected = decodeScene(people, undefined, options);
  return assertMatchesTruth(detected, people, descriptor.limbs, { width: WIDTH, height: HEIGHT, marginPx: EDGE_MARGIN_PX }, 1);
}

test('one full skeleton: 18 keypoints, each within 1 px, score in (0, 1]', () => {
  const person = coco18Person(641.3, 120.7, 480);
  const detected = decodeScene([person]);
  assert.equal(detected.length, 1);
  assert.equal(detected[0]!.partCount, 18);
  assert.ok(detected[0]!.score > 0 && detected[0]!.score <= 1, `score ${detected[0]!.score}`);
  assert.ok(check([person]) <= 1);
});

test('seeded random scenes of 1 to 4 people: nobody split or merged, every keypoint within 1 px', () => {
  let worst = 0;
  for (let seed = 1; seed <= 24; seed++) {
    const random = seededRandom(seed);
    const count = 1 + (seed % 4);
    const slot = WIDTH / count;
    const people: TruePerson[] = [];
    for (let i = 0; i < count; i++) {
      const heightPx = 220 + random() * 260;
      const x = slot * (i + 0.5) + (random() - 0.5) * (slot - 0.45 * heightPx) * 0.5;
      const top = 20 + random() * (HEIGHT - 40 - heightPx);
      people.push(coco18Person(x, top, heightPx, random, random() < 0.5));
    }
    worst = Math.max(worst, check(people));
  }
  assert.ok(worst <= 1, `worst error ${worst}`);
});

/**
 * Same-type keypoints of two people closer than ~3.5 heatmap cells (σ = 1 cell) blend into one blob:
 * a stride-8 network cannot separate them either, so scenes are redrawn until every pair is apart.
 */
function separated(people: TruePerson[], minPx: number): boolean {
  for (let part = 0; part < 18; part++) {
    for (let a = 0; a < people.length; a++) {
      for (let b = a + 1; b < people.length; b++) {
        const p = people[a]![part];
        const q = people[b]![part];
        if (p && q && Math.hypot(p[0] - q[0], p[1] - q[1]) < minPx) return false;
      }
    }
  }
  return true;
}

test('tightly packed groups with noisy maps: overlapping people stay apart, keypoints within 1 px', () => {
  const cellPx = (descriptor.stride * HEIGHT) / 368;
  let worst = 0;
  for (let seed = 101; seed <= 112; seed++) {
    const random = seededRandom(seed);
    let people: TruePerson[];
    do {
      const heightPx = 380 + random() * 120;
      const count = 3 + (seed % 3);
      // Neighbours stand closer than their own arm span, so wrong pairs cross other people's fields.
      const spacing = heightPx * 0.33;
      const start = (WIDTH - spacing * (count - 1)) / 2;
      people = Array.from({ length: count }, (_, i) =>
        coco18Person(start + i * spacing + (random() - 0.5) * 20, 60 + random() * 120, heightPx * (0.9 + random() * 0.2), random, random() < 0.5),
      );
    } while (!separated(people, 3.5 * cellPx));
    worst = Math.max(worst, check(people, { heatmapNoise: 0.01, pafNoise: 0.25, noiseSeed: seed }));
  }
  assert.ok(worst <= 1, `worst error ${worst}`);
});

test('forearms of two people crossing in an X (same limb type, shared PAF cells) stay with their owners', () => {
  const left = coco18Person(500, 120, 420);
  const right = coco18Person(760, 120, 420, undefined, true);
  // Both left forearms: one reaches right, the other (mirrored person) reaches left; they cross at x ≈ 630.
  left[6] = [590, 300];
  left[7] = [680, 390];
  right[6] = [670, 300];
  right[7] = [580, 390];
  // Legs crossing the same way: right shin of each.
  left[9] = [560, 430];
  left[10] = [660, 520];
  right[9] = [690, 430];
  right[10] = [590, 520];
  check([left, right]);
});

test('missing parts: absent wrists, face seen from behind, no eyes or ears', () => {
  const noWrists = coco18Person(250, 100, 420);
  noWrists[4] = null;
  noWrists[7] = null;
  const fromBehind = coco18Person(640, 100, 420, undefined, true);
  // Only the ears are seen: they attach through the ear–shoulder limbs, which may only fill gaps.
  fromBehind[0] = fromBehind[14] = fromBehind[15] = null;
  const noFace = coco18Person(1030, 100, 420);
  noFace[14] = noFace[15] = noFace[16] = noFace[17] = null;
  const detected = decodeScene([noWrists, fromBehind, noFace]);
  assertMatchesTruth(detected, [noWrists, fromBehind, noFace], descriptor.limbs, { width: WIDTH, height: HEIGHT, marginPx: EDGE_MARGIN_PX }, 1);
  const behind = detected.find((p) => Math.abs(p.keypoints[1 * 3]! - fromBehind[1]![0]) < 2)!;
  assert.ok(behind.keypoints[16 * 3 + 2]! > 0 && behind.keypoints[17 * 3 + 2]! > 0, 'ears attached via the ear-shoulder limbs');
  assert.equal(behind.partCount, 15);
});

test('a missing elbow detaches only the wrist below it', () => {
  const person = coco18Person(640, 100, 420);
  person[3] = null;
  const [detected] = decodeScene([person]);
  assert.equal(detected!.keypoints[4 * 3 + 2], 0, 'the lone wrist is not attached');
  assert.equal(detected!.partCount, 16);
  check([person]);
});

test('people cut by the image border: the visible part is one person, no keypoint outside the frame', () => {
  const legsOut = coco18Person(300, HEIGHT - 330, 600); // knees and ankles below the frame
  const armOut = coco18Person(60, 150, 420); // right arm beyond the left border
  armOut[3] = [-60, 290];
  armOut[4] = [-120, 380];
  const halfOut = coco18Person(WIDTH - 20, 100, 420); // the left half of the body to the right of the frame
  const atEdge = coco18Person(900, 0, 420); // nose exactly on the top row
  const people = [legsOut, armOut, halfOut, atEdge];
  const detected = decodeScene(people);
  assertMatchesTruth(detected, people, descriptor.limbs, { width: WIDTH, height: HEIGHT, marginPx: EDGE_MARGIN_PX }, 1);
  const legs = detected.find((p) => Math.abs(p.keypoints[3]! - 300) < 2)!;
  for (const part of [9, 10, 12, 13]) assert.equal(legs.keypoints[part * 3 + 2], 0, `keypoint ${part} is below the frame`);
});

test('padding beyond the picture is never searched for peaks', () => {
  // A 1000×720 video: 511 px of picture in a 512-px input; a person right at the picture's right edge.
  const narrow = inputGeometry(1000, 720, 368, descriptor.stride);
  const person = coco18Person(980, 100, 400);
  const { maps } = renderMaps([person], descriptor, narrow);
  const detected = new PoseDecoder(descriptor).decode(maps, narrow);
  for (const found of detected) {
    for (let part = 0; part < 18; part++) assert.ok(found.keypoints[part * 3]! <= 999, 'inside the 1000-px frame');
  }
});

test('thresholds are options: a higher minimum part count drops a small fragment', () => {
  const fragment: TruePerson = Array.from({ length: 18 }, () => null);
  fragment[2] = [400, 300];
  fragment[3] = [420, 380];
  fragment[4] = [430, 450];
  assert.equal(decodeScene([fragment], new PoseDecoder(descriptor, { minParts: 3 })).length, 1, 'three parts pass OpenPose min_subset_cnt 3');
  assert.equal(decodeScene([fragment], new PoseDecoder(descriptor, { minParts: 4 })).length, 0);
});

/** A raised left arm (COCO-18 5 → 6 → 7 straight up) on an upright person; truth in original pixels. */
function armRaised(): TruePerson {
  const person = coco18Person(640, 260, 420);
  const [sx, sy] = person[5]!;
  person[6] = [sx + 6, sy - 95];
  person[7] = [sx + 12, sy - 190];
  return person;
}

/** Multiplies a limb's PAF cells in the band along ∈ [from, to] (fractions of the limb) by `factor`. */
function weakenLimbField(maps: PoseMaps, limbIndex: number, a: [number, number], b: [number, number], from: number, to: number, factor: number): void {
  const limb = descriptor.limbs[limbIndex]!;
  const cells = maps.width * maps.height;
  // Truth → cell coordinates as synthetic-maps places them (input edge position / stride − 0.5).
  const cell = (p: [number, number]) => [((p[0] + 0.5) * geometry.contentWidth) / WIDTH / descriptor.stride - 0.5, ((p[1] + 0.5) * geometry.contentHeight) / HEIGHT / descriptor.stride - 0.5];
  const [ax, ay] = cell(a);
  const [bx, by] = cell(b);
  const length2 = (bx! - ax!) ** 2 + (by! - ay!) ** 2;
  for (let row = 0; row < maps.height; row++) {
    for (let col = 0; col < maps.width; col++) {
      const t = ((col - ax!) * (bx! - ax!) + (row - ay!) * (by! - ay!)) / length2;
      if (t < from || t > to) continue;
      for (const channel of limb.paf) maps.pafs[channel * cells + row * maps.width + col]! *= factor;
    }
  }
}

test('a long raised forearm whose field fades mid-way keeps its wrist (OpenPose\'s all-samples rule loses it)', () => {
  const person = armRaised();
  const { maps } = renderMaps([person], descriptor, geometry);
  // Limb 5 is 6→7 (left elbow → left wrist); a small network's field often fades along long limbs.
  weakenLimbField(maps, 5, person[6]!, person[7]!, 0.5, 0.6, 0);
  const [found] = new PoseDecoder(descriptor).decode(maps, geometry);
  assert.ok(found && found.keypoints[7 * 3 + 2]! > 0, 'the wrist is kept');
  assert.ok(Math.hypot(found.keypoints[7 * 3]! - person[7]![0], found.keypoints[7 * 3 + 1]! - person[7]![1]) <= 1, 'at its true place');
  const [openpose] = new PoseDecoder(descriptor, OPENPOSE_DECODE_DEFAULTS).decode(maps, geometry);
  assert.equal(openpose!.keypoints[7 * 3 + 2], 0, 'OpenPose\'s defaults drop it');
});

test('a faint elbow blob next to the shoulder, on the arm\'s field, does not steal the confident elbow and its wrist', () => {
  const person = armRaised();
  const { maps } = renderMaps([person], descriptor, geometry);
  // A 0.2 blob on the left-elbow channel 25 px above the shoulder (the upper arm's field passes over it).
  const cells = maps.width * maps.height;
  const [sx, sy] = person[5]!;
  const blob = [((sx + 2 + 0.5) * geometry.contentWidth) / WIDTH / descriptor.stride - 0.5, ((sy - 25 + 0.5) * geometry.contentHeight) / HEIGHT / descriptor.stride - 0.5];
  for (let row = 0; row < maps.height; row++) {
    for (let col = 0; col < maps.width; col++) {
      const value = 0.2 * Math.exp(-((col - blob[0]!) ** 2 + (row - blob[1]!) ** 2) / 2);
      const index = 6 * cells + row * maps.width + col;
      maps.heatmaps[index] = Math.max(maps.heatmaps[index]!, value);
    }
  }
  // The true upper arm's field is weaker than near the joint, as in real maps.
  weakenLimbField(maps, 4, person[5]!, person[6]!, 0.3, 1.1, 0.6);
  const [found] = new PoseDecoder(descriptor).decode(maps, geometry);
  for (const part of [6, 7]) {
    assert.ok(found!.keypoints[part * 3 + 2]! > 0, `keypoint ${part} kept`);
    assert.ok(Math.hypot(found!.keypoints[part * 3]! - person[part]![0], found!.keypoints[part * 3 + 1]! - person[part]![1]) <= 1, `keypoint ${part} at its true place`);
  }
});

test('empty maps give no people', () => {
  assert.deepEqual(decodeScene([]), []);
});
