import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { geometryOfFrame } from '../../src/pose2d/maps.js';
import { resolveModelFiles } from '../../src/pose2d/model-files.js';
import { PeopleFinder } from '../../src/pose2d/people-finder.js';
import { openPoseSession } from '../../src/pose2d/session.js';
import { projectPath } from '../../src/util/project-root.js';
import { readFrames } from '../../src/video/frame-source.js';
import { networkPeaksPx } from './network-peaks.js';

const FIXTURE = projectPath('media', 'S02_tabletennis.mp4');
const TOLERANCE_CELLS = 0.35;
const WIDTH = 448;
const HEIGHT = 600;

for (const { quality, minAgreement } of [
  { quality: 'fast', minAgreement: 0.85 },
  { quality: 'accurate', minAgreement: 0.95 },
] as const) {
  test(`${quality} model on the table-tennis clip: the player's decoded keypoints sit on the network's own confident peaks`, async () => {
    const { descriptor, modelPath } = resolveModelFiles({ quality });
    const session = await openPoseSession(descriptor, modelPath);
    const finder = new PeopleFinder(descriptor);
    // One cell of the map in original pixels (600-px-high video at input height 368, stride 8).
    const cellPx = (descriptor.stride * HEIGHT) / descriptor.input.defaultHeight;
    let confident = 0;
    const misses: string[] = [];
    try {
      // 8 frames spread over the 15.9 s clip (448×600 → 275×368 picture padded to 280×368).
      for await (const frame of readFrames(FIXTURE, { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat: finder.pixelFormat, fps: 0.5 })) {
        const { people, maps } = await finder.findInFrame(session, frame, geometryOfFrame(frame, { width: WIDTH, height: HEIGHT }));
        const player = people[0];
        for (const [part, [px, py]] of networkPeaksPx(maps, descriptor, { ...frame, originalWidth: WIDTH, originalHeight: HEIGHT })) {
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
