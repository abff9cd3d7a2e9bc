import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawDigits, textSize } from '../../src/render/digit-font.js';
import { trackColor } from '../../src/render/pose-overlay.js';
import { drawLine, drawRect, type RgbImage } from '../../src/render/raster.js';

const blank = (width: number, height: number): RgbImage => ({ width, height, data: new Uint8Array(width * height * 3) });
const isSet = (image: RgbImage, x: number, y: number) => image.data[(y * image.width + x) * 3] !== 0;

test('lines cover their end points and stay inside the image when they leave it', () => {
  const image = blank(20, 10);
  drawLine(image, 2, 2, 17, 7, 1, [255, 0, 0]);
  assert.ok(isSet(image, 2, 2) && isSet(image, 17, 7));
  assert.ok(!isSet(image, 17, 2) && !isSet(image, 2, 7));
  const clipped = blank(10, 10);
  drawLine(clipped, -50, 5, 60, 5, 3, [0, 255, 0]);
  assert.equal(clipped.data.length, 300, 'nothing written outside the buffer');
  for (let x = 0; x < 10; x++) assert.ok(clipped.data[(5 * 10 + x) * 3 + 1] === 255);
});

test('rectangles are outlines', () => {
  const image = blank(12, 12);
  drawRect(image, 2, 2, 7, 7, 1, [9, 9, 9]);
  assert.ok(isSet(image, 2, 2) && isSet(image, 9, 9) && isSet(image, 2, 9));
  assert.ok(!isSet(image, 5, 5));
});

test('digits render their 3 × 5 glyphs', () => {
  const image = blank(7, 5);
  drawDigits(image, '10', 0, 0, 1, [255, 255, 255]);
  const rows = Array.from({ length: 5 }, (_, y) => Array.from({ length: 7 }, (_, x) => (isSet(image, x, y) ? '#' : '.')).join(''));
  assert.deepEqual(rows, ['.#..###', '##..#.#', '.#..#.#', '.#..#.#', '###.###']);
  assert.deepEqual(textSize('10', 2), { width: 14, height: 10 });
});

test('consecutive track ids get clearly different colours', () => {
  for (let id = 1; id < 30; id++) {
    const [a, b] = [trackColor(id), trackColor(id + 1)];
    assert.ok(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) > 90, `ids ${id} and ${id + 1}`);
  }
});
