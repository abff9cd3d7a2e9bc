import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { DEFAULT_VIDEO_EXTENSIONS } from '../../src/ingest/walk.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { labelVideo } from '../../src/pipeline/label-video-run.js';
import type { Augmentation } from '../../src/pose2d/people-finder.js';
import { openPoseSession } from '../../src/pose2d/session.js';
import { openDatabase } from '../../src/store/database.js';
import { getLabelRun, readDetections } from '../../src/store/detections.js';
import { listVideos } from '../../src/store/videos.js';
import { projectPath } from '../../src/util/project-root.js';
import { tempDir } from '../helpers/temp-dir.js';
import { leadPersonAgreement } from './person-matching.js';

/**
 * Labels the shipped table-tennis clip (fast model, 8 frames at 0.5 fps, batches of 3 so the last one
 * is partial) plainly and with test-time augmentation, each as its own run. Returns both runs'
 * recorded parameters and how many of the player's keypoints both found, and how many of those the
 * augmented run puts within a heatmap cell (600-px-high frames at input height 368: ≈ 13 px) of the
 * plain one.
 */
export async function labelPlainAndAugmented(augmentation: Augmentation): Promise<{ plain: Record<string, unknown>; augmented: Record<string, unknown>; shared: number; close: number }> {
  const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
  const db = openDatabase(join(tempDir('hmmr-augmented-'), 'augmented.db'));
  const session = await openPoseSession(descriptor, descriptorModelPath(descriptor)!);
  try {
    await ingestPaths(db, [projectPath('media', 'S02_tabletennis.mp4')], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
    const video = listVideos(db)[0]!;
    const settings = { inputHeight: 368, fps: 0.5, batchSize: 3, chunkFrames: 4 };
    const plainRun = await labelVideo(db, video, session, settings);
    const augmentedRun = await labelVideo(db, video, session, { ...settings, ...augmentation });
    assert.notEqual(augmentedRun.runId, plainRun.runId, 'a run of its own');
    const a = readDetections(db, plainRun.runId);
    const b = readDetections(db, augmentedRun.runId);
    assert.deepEqual(b.map((f) => f.frameIndex), a.map((f) => f.frameIndex));
    const params = (runId: number) => JSON.parse(getLabelRun(db, runId)!.paramsJson) as Record<string, unknown>;
    return { plain: params(plainRun.runId), augmented: params(augmentedRun.runId), ...leadPersonAgreement(a, b, (descriptor.stride * 600) / 368) };
  } finally {
    await session.close();
    db.close();
  }
}
