import type { PoseModelDescriptor } from '../../src/pose2d/descriptor.js';
import type { PoseMaps } from '../../src/pose2d/maps.js';

/**
 * Where the network itself puts each keypoint: per channel, the global maximum of the raw heatmap over
 * the picture, when it is confident (> 0.3). In a single-person picture that is the person's keypoint.
 * Converted to original pixels here, from first principles rather than with the decoder's helpers:
 * cell c's centre is at input edge position (c + 0.5)·stride; edge positions scale by
 * original/content; pixel centres sit 0.5 before edges. Keyed by keypoint index; original pixels.
 */
export function networkPeaksPx(
  maps: PoseMaps,
  descriptor: PoseModelDescriptor,
  frame: { contentWidth: number; contentHeight: number; originalWidth: number; originalHeight: number },
): Map<number, [number, number]> {
  const stride = descriptor.stride;
  const cols = Math.ceil(frame.contentWidth / stride);
  const rows = Math.ceil(frame.contentHeight / stride);
  const cells = maps.width * maps.height;
  const peaks = new Map<number, [number, number]>();
  for (let part = 0; part < descriptor.keypointFormat.keypoints.length; part++) {
    let best = { value: 0.3, col: -1, row: -1 };
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const value = maps.heatmaps[part * cells + row * maps.width + col]!;
        if (value > best.value) best = { value, col, row };
      }
    }
    if (best.col < 0) continue;
    // Sub-cell position: the value-weighted centroid of the 3×3 cells around the maximum.
    let sum = 0;
    let sumCol = 0;
    let sumRow = 0;
    for (let row = Math.max(0, best.row - 1); row <= Math.min(rows - 1, best.row + 1); row++) {
      for (let col = Math.max(0, best.col - 1); col <= Math.min(cols - 1, best.col + 1); col++) {
        const value = Math.max(0, maps.heatmaps[part * cells + row * maps.width + col]!);
        sum += value;
        sumCol += value * col;
        sumRow += value * row;
      }
    }
    const col = sumCol / sum;
    const row = sumRow / sum;
    peaks.set(part, [
      ((col + 0.5) * stride * frame.originalWidth) / frame.contentWidth - 0.5,
      ((row + 0.5) * stride * frame.originalHeight) / frame.contentHeight - 0.5,
    ]);
  }
  return peaks;
}
