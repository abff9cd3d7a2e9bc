import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { PoseDecoder } from '../../src/pose2d/decode.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import type { PoseMaps } from '../../src/pose2d/maps.js';
import { averageMaps, MapsToGrid, parseScales, PictureScaler, scaledInputSize } from '../../src/pose2d/multi-scale.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { assertMatchesTruth } from './person-matching.js';
import { coco18Person, inputGeometry, renderMaps } from './synthetic-maps.js';
import { labelPlainAndAugmented } from './augmented-label-run.js';

const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
const STRIDE = descriptor.stride;

test('--scales: a list in (0, 1] with 1 among it, largest first; anything else is a usage error', () => {
  assert.deepEqual(parseScales('0.5, 1,0.75'), [1, 0.75, 0.5]);
  assert.deepEqual(parseScales('1'), [1]);
  for (const bad of ['', '1,0', '1,1.5', '0.75,0.5', '1,x', '1,0.5,0.5']) assert.throws(() => parseScales(bad), UsageError, bad);
});

test('shrinking the picture: each small pixel takes the full-size picture at its own centre (half-pixel convention), padding black', () => {
  // Full-size input 24×16 holding a 21×13 picture; channel 0 = column, 1 = row, 2 = 5 (a linear picture, which bilinear resizing keeps exactly).
  const full = { contentWidth: 21, contentHeight: 13, width: 24, height: 16 };
  const small = scaledInputSize(full, 0.5, STRIDE);
  assert.deepEqual(small, { contentWidth: 11, contentHeight: 7, width: 16, height: 8 });
  const tensor = new Float32Array(3 * full.width * full.height);
  for (let row = 0; row < full.height; row++) {
    for (let col = 0; col < full.width; col++) {
      const inPicture = col < full.contentWidth && row < full.contentHeight;
      tensor[row * full.width + col] = inPicture ? col : -99;
      tensor[full.width * full.height + row * full.width + col] = inPicture ? row : -99;
      tensor[2 * full.width * full.height + row * full.width + col] = inPicture ? 5 : -99;
    }
  }
  const out = new Float32Array(2 * 3 * small.width * small.height);
  new PictureScaler(full, small, [-1, -2, -3]).write(tensor, 0, out, 1);
  const plane = small.width * small.height;
  const base = 3 * plane;
  for (let row = 0; row < small.height; row++) {
    for (let col = 0; col < small.width; col++) {
      const at = base + row * small.width + col;
      if (col >= 11 || row >= 7) {
        assert.deepEqual([out[at], out[at + plane], out[at + 2 * plane]], [-1, -2, -3], `padding (${col}, ${row})`);
        continue;
      }
      // Small pixel j covers full-size edge positions [j·21/11, (j+1)·21/11); its centre, in full-size pixel-centre coordinates:
      const x = Math.min(20, Math.max(0, ((col + 0.5) * 21) / 11 - 0.5));
      const y = Math.min(12, Math.max(0, ((row + 0.5) * 13) / 7 - 0.5));
      assert.ok(Math.abs(out[at]! - x) < 1e-5 && Math.abs(out[at + plane]! - y) < 1e-5 && out[at + 2 * plane] === 5, `(${col}, ${row}): ${out[at]}, ${out[at + plane]} vs ${x}, ${y}`);
    }
  }
  assert.ok(out.subarray(0, base).every((value) => value === 0), 'other slots untouched');
});

test('a half-size pass on the full-size grid: every cell holds the value at its own centre in original pixels', () => {
  // 1280×720 at input height 368: a 654×368 picture (map 82×46); at scale 0.5 a 327×184 picture (map 41×23).
  const full = { contentWidth: 654, contentHeight: 368, mapWidth: 82, mapHeight: 46 };
  const half = { contentWidth: 327, contentHeight: 184, mapWidth: 41, mapHeight: 23 };
  // Cell c of a picture of content width W: input edge position (c + 0.5)·stride → original edge ·1280/W → pixel centre −0.5.
  const originalX = (cell: number, content: number) => ((cell + 0.5) * STRIDE * 1280) / content - 0.5;
  const originalY = (cell: number, content: number) => ((cell + 0.5) * STRIDE * 720) / content - 0.5;
  const cells = half.mapWidth * half.mapHeight;
  const small: PoseMaps = { width: half.mapWidth, height: half.mapHeight, heatmaps: new Float32Array(cells), pafs: new Float32Array(cells) };
  for (let row = 0; row < half.mapHeight; row++) {
    for (let col = 0; col < half.mapWidth; col++) {
      small.heatmaps[row * half.mapWidth + col] = originalX(col, half.contentWidth);
      small.pafs[row * half.mapWidth + col] = originalY(row, half.contentHeight);
    }
  }
  const onGrid = new MapsToGrid(half, full).run(small);
  assert.deepEqual([onGrid.width, onGrid.height, onGrid.heatmaps.length, onGrid.pafs.length], [82, 46, 82 * 46, 82 * 46]);
  // Cells whose centre lies between the small map's first and last cell centres (the rest repeat the border).
  for (let row = 1; row <= 44; row++) {
    for (let col = 1; col <= 80; col++) {
      const x = onGrid.heatmaps[row * 82 + col]!;
      const y = onGrid.pafs[row * 82 + col]!;
      assert.ok(Math.abs(x - originalX(col, full.contentWidth)) < 0.01 && Math.abs(y - originalY(row, full.contentHeight)) < 0.01, `cell (${col}, ${row}): (${x}, ${y})`);
    }
  }
});

test('averaging a scene seen at scales 1, 0.75 and 0.5 gives back the scene: the same people within 1.5 px', () => {
  const random = seededRandom(11);
  const people = [coco18Person(380, 110, 480, random), coco18Person(880, 150, 430, random, true)];
  const full = inputGeometry(1280, 720, 368, STRIDE);
  const passes: PoseMaps[] = [renderMaps(people, descriptor, full).maps];
  for (const scale of [0.75, 0.5]) {
    // The pipeline shrinks the full-size picture: content sizes are the full-size ones × scale, rounded.
    const contentWidth = Math.round(full.contentWidth * scale);
    const contentHeight = Math.round(full.contentHeight * scale);
    const geometry = { ...full, contentWidth, contentHeight, mapWidth: Math.ceil(contentWidth / STRIDE), mapHeight: Math.ceil(contentHeight / STRIDE) };
    const { maps } = renderMaps(people, descriptor, geometry);
    passes.push(new MapsToGrid(geometry, full).run(maps));
  }
  const detected = new PoseDecoder(descriptor).decode(averageMaps(passes), full);
  const worst = assertMatchesTruth(detected, people, descriptor.limbs, { width: 1280, height: 720, marginPx: 2 }, 1.5);
  assert.ok(worst < 1.5, `worst ${worst.toFixed(2)} px`);
});

test('hmmr label with scales 1, 0.75, 0.5 on the table-tennis clip: recorded in the run, the player where the plain pass puts him', async () => {
  const { plain, augmented, shared, close } = await labelPlainAndAugmented({ scales: [1, 0.75, 0.5] });
  assert.deepEqual(augmented.scales, [1, 0.75, 0.5]);
  assert.equal(plain.scales, undefined, 'a plain run keeps its earlier parameters');
  assert.ok(shared >= 80 && close / shared >= 0.9, `${close}/${shared} keypoints within a cell`);
});
