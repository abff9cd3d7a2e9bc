import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { PoseDecoder } from '../../src/pose2d/decode.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor, type PoseModelDescriptor } from '../../src/pose2d/descriptor.js';
import { geometryOfFrame, type PoseMaps } from '../../src/pose2d/maps.js';
import { resolveModelFiles } from '../../src/pose2d/model-files.js';
import { buildInputBatch, pixelFormatFor } from '../../src/pose2d/preprocess.js';
import { openPoseSession } from '../../src/pose2d/session.js';
import { projectPath } from '../../src/util/project-root.js';
import { readFrames } from '../../src/video/frame-source.js';

const FIXTURE = projectPath('media', 'S02_tabletennis.mp4');
const TOLERANCE_CELLS = 0.35;
const WIDTH = 448;
const HEIGHT = 600;

/**
 * Where the network itself puts each keypoint: per channel, the global maximum of the raw heatmap over
 * the picture, when it is confident (> 0.3). In this single-person clip that is the player's keypoint.
 * Converted to original pixels here, from first principles: cell c's centre is at input edge position
 * (c + 0.5)·stride; edge positions scale by original/content; pixel centres sit 0.5 before edges.
 * Keyed by keypoint index; original pixels.
 */
function networkPeaksPx(maps: PoseMaps, descriptor: PoseModelDescriptor, frame: { contentWidth: number; contentHeight: number }): Map<number, [number, number]> {
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
    peaks.set(part, [((col + 0.5) * stride * WIDTH) / frame.contentWidth - 0.5, ((row + 0.5) * stride * HEIGHT) / frame.contentHeight - 0.5]);
  }
  return peaks;
}

for (const { quality, minAgreement } of [
  { quality: 'fast', minAgreement: 0.85 },
  { quality: 'accurate', minAgreement: 0.95 },
] as const) {
  test(`${quality} model on the table-tennis clip: the player's decoded keypoints sit on the network's own confident peaks`, async () => {
    const { descriptor, modelPath } = resolveModelFiles({ quality });
    const session = await openPoseSession(descriptor, modelPath);
    const decoder = new PoseDecoder(descriptor);
    // One cell of the map in original pixels (600-px-high video at input height 368, stride 8).
    const cellPx = (descriptor.stride * HEIGHT) / descriptor.input.defaultHeight;
    let confident = 0;
    const misses: string[] = [];
    try {
      // 8 frames spread over the 15.9 s clip (448×600 → 275×368 picture padded to 280×368).
      for await (const frame of readFrames(FIXTURE, { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat: pixelFormatFor(descriptor.input), fps: 0.5 })) {
        const batch = buildInputBatch([{ data: frame.data, width: frame.width, height: frame.height, pixelFormat: pixelFormatFor(descriptor.input) }], descriptor.input);
        const [maps] = await session.run(batch.data, 1, batch.height, batch.width);
        const people = decoder.decode(maps!, geometryOfFrame(frame, { width: WIDTH, height: HEIGHT }));
        const player = people[0];
        for (const [part, [px, py]] of networkPeaksPx(maps!, descriptor, frame)) {
          confident++;
          const found = player && player.keypoints[part * 3 + 2]! > 0;
          const distance = found ? Math.hypot(player.keypoints[part * 3]! - px, player.keypoints[part * 3 + 1]! - py) : Infinity;
          // A centroid and the decoder's log-parabola agree within a fraction of a cell; half a cell of
          // pixel-convention error (≈ 6.5 px here) would not.
          if (!(distance <= TOLERANCE_CELLS * cellPx)) misses.push(`frame ${frame.index} ${descriptor.keypointFormat.keypoints[part]}: peak (${px.toFixed(0)}, ${py.toFixed(0)}), decoded ${found ? `${distance.toFixed(1)} px away` : 'missing'}`);
        }
      }
    } finally {
      await session.close();
    }
    assert.ok(confident >= 80, `${confident} confident peaks`);
    assert.ok(1 - misses.length / confident >= minAgreement, `${misses.length}/${confident} confident peaks off: ${misses.join('; ')}`);
  });
}

test('--device cuda either opens or says how to install the CUDA provider', async () => {
  const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
  try {
    const session = await openPoseSession(descriptor, descriptorModelPath(descriptor)!, { device: 'cuda' });
    await session.close();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(error.reason, /npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12/);
  }
});
