import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadInputFileError } from '../../src/errors.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { PoseDecoder } from '../../src/pose2d/decode.js';
import { averageWithMirror, flipTables } from '../../src/pose2d/flip.js';
import { normalisationTables, writeFrameTensor } from '../../src/pose2d/preprocess.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { assertMatchesTruth } from './person-matching.js';
import { coco18Person, inputGeometry, renderMaps, type TruePerson } from './synthetic-maps.js';
import { labelPlainAndAugmented } from './augmented-label-run.js';

const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
// 1280×736 at height 368: a 640-px picture, a multiple of the stride, so the mirror is the picture's own.
const WIDTH = 1280;
const HEIGHT = 736;
const geometry = inputGeometry(WIDTH, HEIGHT, 368, descriptor.stride);
const SWAP = [0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10, 15, 14, 17, 16];

/** The scene seen in a mirror: x → W − 1 − x, and each left keypoint becomes the right one. */
function mirrorScene(people: TruePerson[]): TruePerson[] {
  return people.map((person) => person.map((_, part) => {
    const point = person[SWAP[part]!];
    return point ? [WIDTH - 1 - point[0], point[1]] : null;
  }));
}

test('COCO-18 mirror tables: left ↔ right keypoints, each limb from its mirrored limb', () => {
  const tables = flipTables(descriptor);
  assert.deepEqual(Array.from(tables.heatmapSource), [...SWAP, 18]);
  // Limb 2 (right shoulder → elbow) takes limb 4 (left shoulder → elbow); neck → nose (12) is its own mirror.
  assert.deepEqual(tables.limbSource[2], { limb: 4, sign: 1 });
  assert.deepEqual(tables.limbSource[12], { limb: 12, sign: 1 });
  const noMirror = { ...descriptor, limbs: descriptor.limbs.filter((limb) => limb.parts[0] !== 5 || limb.parts[1] !== 6) };
  assert.throws(() => flipTables(noMirror), BadInputFileError);
});

test('averaging with the mirrored pass of a mirrored scene gives back the scene: the same people within 1 px', () => {
  const random = seededRandom(7);
  const people = [coco18Person(420, 120, 460, random), coco18Person(900, 160, 420, random, true)];
  const { maps } = renderMaps(people, descriptor, geometry);
  const { maps: mirrored } = renderMaps(mirrorScene(people), descriptor, geometry);
  const averaged = averageWithMirror(maps, mirrored, descriptor, flipTables(descriptor));
  for (let i = 0; i < maps.heatmaps.length; i++) assert.ok(Math.abs(averaged.heatmaps[i]! - maps.heatmaps[i]!) < 1e-5, `heatmap value ${i}`);
  for (let i = 0; i < maps.pafs.length; i++) assert.ok(Math.abs(averaged.pafs[i]! - maps.pafs[i]!) < 1e-5, `PAF value ${i}`);
  const detected = new PoseDecoder(descriptor).decode(averaged, geometry);
  assertMatchesTruth(detected, people, descriptor.limbs, { width: WIDTH, height: HEIGHT, marginPx: 2 }, 1);
});

test('a mirrored tensor is the frame flipped left ↔ right, every row, padding included', () => {
  const width = 5;
  const height = 2;
  const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => i);
  const input = { ...descriptor.input, channelOrder: 'RGB' as const };
  const out = new Float32Array(2 * 3 * width * height);
  writeFrameTensor({ data, width, height, pixelFormat: 'rgb24' }, input, normalisationTables(input), out, 0);
  writeFrameTensor({ data, width, height, pixelFormat: 'rgb24' }, input, normalisationTables(input), out, 1, true);
  const plane = width * height;
  for (let channel = 0; channel < 3; channel++) {
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        assert.equal(out[3 * plane + channel * plane + row * width + col], out[channel * plane + row * width + (width - 1 - col)]);
      }
    }
  }
});

test('hmmr label with flip averaging on the table-tennis clip: recorded in the run, the player where the plain pass puts him', async () => {
  const { plain, augmented, shared, close } = await labelPlainAndAugmented({ flip: true });
  assert.equal(augmented.flip, true);
  assert.equal(plain.flip, undefined);
  assert.ok(shared >= 80 && close / shared >= 0.9, `${close}/${shared} keypoints within a cell`);
});
