/** Boxes derived from keypoints, and their overlap. Pure helpers shared by matching and tubes. */
import type { Box } from '../domain.js';

/** Number of keypoints with confidence above `minConfidence` (0 = "detected at all"). */
export function countVisible(keypoints: Float32Array, minConfidence = 0): number {
  let count = 0;
  for (let k = 2; k < keypoints.length; k += 3) if (keypoints[k]! > minConfidence) count++;
  return count;
}

/** The tight box around the keypoints with confidence above `minConfidence`; undefined if none. */
export function boxFromVisibleKeypoints(keypoints: Float32Array, minConfidence = 0): Box | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let k = 0; k + 2 < keypoints.length; k += 3) {
    if (!(keypoints[k + 2]! > minConfidence)) continue;
    const x = keypoints[k]!;
    const y = keypoints[k + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (minX === Infinity) return undefined;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

export function boxCenter(box: Box): [number, number] {
  return [box.x + box.width / 2, box.y + box.height / 2];
}

export function boxDiagonal(box: Box): number {
  return Math.hypot(box.width, box.height);
}

/** Intersection over union; 0 for disjoint or degenerate boxes. */
export function boxIoU(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}
