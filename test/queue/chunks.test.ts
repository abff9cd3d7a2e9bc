import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import type { LabelledFrame } from '../../src/pose2d/label-video.js';
import { chunkJobId, planChunks } from '../../src/queue/chunk-job.js';
import { decodeChunkResult, encodeChunkResult } from '../../src/queue/chunk-result.js';
import { parseRedisUrl } from '../../src/queue/redis-address.js';
import { mapPath, parsePathMapping } from '../../src/queue/path-map.js';

test('chunks hold chunkFrames kept frames and end after their last one; the last is open', () => {
  // 24 fps to 2 fps keeps every 12th frame: 0, 12, 24, 36 | 48, 60, 72, 84 | 96 ...
  const chunks = planChunks({ fps: 24, frameCount: 100 }, 2, 4, 0);
  assert.deepEqual(chunks, [
    { startFrame: 0, endFrame: 37, frames: 4 },
    { startFrame: 37, endFrame: 85, frames: 4 },
    { startFrame: 85, endFrame: null, frames: 1 },
  ]);
  // Resumed from a committed chunk's end, the plan finds the same later chunks (so the same job ids).
  assert.deepEqual(planChunks({ fps: 24, frameCount: 100 }, 2, 4, 37), chunks.slice(1));
  // Every frame, 10 frames in chunks of 5: the second chunk is the last, so it is open.
  assert.deepEqual(planChunks({ fps: 25, frameCount: 10 }, undefined, 5, 0), [
    { startFrame: 0, endFrame: 5, frames: 5 },
    { startFrame: 5, endFrame: null, frames: 5 },
  ]);
  assert.equal(chunkJobId('abcdef0123456789ffff', 3, { startFrame: 85, endFrame: null }), 'abcdef0123456789-v3-f85-end');
});

test('a chunk result decodes to the frames it encoded, float64 scores and times, float32 keypoints, null scene scores', () => {
  const frames: LabelledFrame[] = [
    { frameIndex: 7, timeSec: 0.28, sceneScore: null, people: [] },
    {
      frameIndex: 19,
      timeSec: 0.76,
      sceneScore: 0.125,
      people: [
        { keypoints: Float32Array.of(1.5, 2.25, 0.9, 0, 0, 0), score: 3.141592653589793, partCount: 1 },
        { keypoints: Float32Array.of(10.1, 20.2, 0.3, 4, 5, 0.6), score: 1.0000000001, partCount: 2 },
      ],
    },
    { frameIndex: 31, timeSec: 1.24, sceneScore: 0.5, people: [{ keypoints: Float32Array.of(7, 8, 0.7, 9, 10, 0.8), score: 2, partCount: 2 }] },
  ];
  const result = encodeChunkResult(frames);
  assert.deepEqual({ status: result.status, frames: result.frames, people: result.people, keypointValues: result.keypointValues }, { status: 'complete', frames: 3, people: 3, keypointValues: 6 });
  assert.deepEqual(decodeChunkResult(JSON.parse(JSON.stringify(result))), frames);
  const damaged = encodeChunkResult([], 'decoding stopped at frame 12');
  assert.deepEqual([damaged.status, damaged.damage, decodeChunkResult(damaged)], ['damaged', 'decoding stopped at frame 12', []]);
});

test('--queue URLs and --path-map mappings', () => {
  assert.deepEqual(parseRedisUrl('redis://10.0.0.5:6380/2'), { url: 'redis://10.0.0.5:6380/2', host: '10.0.0.5', port: 6380, db: 2 });
  assert.deepEqual(parseRedisUrl('redis://cache'), { url: 'redis://cache', host: 'cache', port: 6379, db: 0 });
  assert.deepEqual(parseRedisUrl('redis://:s%40cret@cache:6379'), { url: 'redis://:s%40cret@cache:6379', host: 'cache', port: 6379, db: 0, password: 's@cret' });
  assert.throws(() => parseRedisUrl('http://cache:6379'), UsageError);
  assert.throws(() => parseRedisUrl('redis://cache:6379/x'), UsageError);
  const mappings = [parsePathMapping('/data=/mnt/a'), parsePathMapping('/data/videos=/mnt/videos')];
  assert.equal(mapPath('/data/videos/clip.mp4', mappings), '/mnt/videos/clip.mp4');
  assert.equal(mapPath('/data/other/clip.mp4', mappings), '/mnt/a/other/clip.mp4');
  assert.equal(mapPath('/database/clip.mp4', mappings), '/database/clip.mp4');
  assert.throws(() => parsePathMapping('/data'), UsageError);
});
