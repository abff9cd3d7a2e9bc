import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { PoseDecoder } from '../../src/pose2d/decode.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { geometryOfFrame } from '../../src/pose2d/maps.js';
import { buildInputBatch, pixelFormatFor } from '../../src/pose2d/preprocess.js';
import { openPoseSession } from '../../src/pose2d/session.js';
import { projectPath } from '../../src/util/project-root.js';
import { readFrames } from '../../src/video/frame-source.js';

const FIXTURE = projectPath('media', 'S02_tabletennis.mp4');
const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);

test('the shipped model finds the table-tennis player: one person, ≥ 12 keypoints on most sampled frames', async () => {
  const session = await openPoseSession(descriptor, descriptorModelPath(descriptor)!);
  const decoder = new PoseDecoder(descriptor);
  const results: { index: number; people: number; parts: number }[] = [];
  try {
    // ~11 frames spread over the 15.9 s clip (448×600 → 275×368 picture padded to 280×368).
    const frames = [];
    for await (const frame of readFrames(FIXTURE, { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat: pixelFormatFor(descriptor.input), fps: 0.7 })) {
      frames.push(frame);
    }
    assert.ok(frames.length >= 10, `${frames.length} frames sampled`);
    for (let start = 0; start < frames.length; start += 4) {
      const chunk = frames.slice(start, start + 4);
      const batch = buildInputBatch(chunk.map((f) => ({ data: f.data, width: f.width, height: f.height, pixelFormat: 'bgr24' as const })), descriptor.input);
      const maps = await session.run(batch.data, batch.batch, batch.height, batch.width);
      chunk.forEach((frame, i) => {
        const geometry = geometryOfFrame(frame, { width: 448, height: 600 });
        const people = decoder.decode(maps[i]!, geometry);
        for (const person of people) {
          for (let k = 0; k < 18; k++) {
            if (person.keypoints[k * 3 + 2] === 0) continue;
            const x = person.keypoints[k * 3]!;
            const y = person.keypoints[k * 3 + 1]!;
            assert.ok(x >= 0 && x <= 447 && y >= 0 && y <= 599, `frame ${frame.index}: keypoint ${k} at (${x}, ${y})`);
          }
        }
        results.push({ index: frame.index, people: people.length, parts: people[0]?.partCount ?? 0 });
      });
    }
  } finally {
    await session.close();
  }
  const good = results.filter((r) => r.people === 1 && r.parts >= 12);
  assert.ok(good.length >= Math.ceil(results.length * 0.7), `frames with one person of ≥ 12 keypoints: ${JSON.stringify(results)}`);
});

test('--device cuda either opens or says how to install the CUDA provider', async () => {
  try {
    const session = await openPoseSession(descriptor, descriptorModelPath(descriptor)!, { device: 'cuda' });
    await session.close();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(error.reason, /npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12/);
  }
});
