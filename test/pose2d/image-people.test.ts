import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadInputFileError } from '../../src/errors.js';
import { peopleInImage } from '../../src/pose2d/image-people.js';
import { resolveModelFiles } from '../../src/pose2d/model-files.js';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';
import { projectPath } from '../../src/util/project-root.js';
import { tempDir } from '../helpers/temp-dir.js';
import { networkPeaksPx } from './network-peaks.js';

const dir = tempDir('hmmr-image-people-');
// A still of the shipped clip (448×600): the table-tennis player mid-stroke.
const PHOTO = join(dir, 'player.png');
execFileSync(ffmpegPath(), ['-loglevel', 'error', '-y', '-ss', '8', '-i', projectPath('media', 'S02_tabletennis.mp4'), '-frames:v', '1', PHOTO]);

for (const { quality, minAgreement } of [
  { quality: 'fast', minAgreement: 0.85 },
  { quality: 'accurate', minAgreement: 0.95 },
] as const) {
  test(`a still image, ${quality} model: the player's keypoints sit on the network's own confident peaks, in the image's pixels`, async () => {
    const { people, maps, geometry, format } = await peopleInImage(PHOTO, { quality });
    const { descriptor } = resolveModelFiles({ quality });
    assert.equal(format.name, descriptor.keypointFormat.name);
    assert.deepEqual([geometry.originalWidth, geometry.originalHeight], [448, 600]);
    const player = people[0]!;
    assert.ok(player, 'the player is found');
    // One map cell is 8 input px = 8·600/368 ≈ 13 image px; half a cell of pixel-convention error fails this.
    const cellPx = (descriptor.stride * 600) / geometry.contentHeight;
    const peaks = networkPeaksPx(maps, descriptor, geometry);
    const misses = [...peaks].filter(([part, [px, py]]) => {
      if (player.keypoints[part * 3 + 2]! <= 0) return true;
      return !(Math.hypot(player.keypoints[part * 3]! - px, player.keypoints[part * 3 + 1]! - py) <= 0.35 * cellPx);
    });
    assert.ok(peaks.size >= 10, `${peaks.size} confident peaks`);
    assert.ok(1 - misses.length / peaks.size >= minAgreement, `${misses.length}/${peaks.size} off: parts ${misses.map(([part]) => part).join(', ')}`);
    // The player stands in the middle of the picture: his neck (keypoint 1) lies inside the image's centre half.
    const [neckX, neckY] = [player.keypoints[3]!, player.keypoints[4]!];
    assert.ok(neckX > 112 && neckX < 336 && neckY > 60 && neckY < 450, `neck at (${neckX.toFixed(0)}, ${neckY.toFixed(0)})`);
  });
}

test('a file that is not a picture: a clear error naming it', async () => {
  const garbage = join(dir, 'not-a-photo.jpg');
  writeFileSync(garbage, 'text, not a JPEG');
  await assert.rejects(peopleInImage(garbage, { quality: 'fast' }), (error: unknown) => error instanceof BadInputFileError || (error instanceof Error && error.message.startsWith(garbage)));
});
