import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { keypointFormatFor, knownKeypointFormats } from '../../src/body/keypoint-formats.js';
import { loadDescriptor } from '../../src/pose2d/descriptor.js';
import { projectPath } from '../../src/util/project-root.js';
import { tempDir } from '../helpers/temp-dir.js';

const SHIPPED_DESCRIPTORS = ['models/tfpose_mobilenet_v2_small.json', 'models/human_pose_estimation_0001.json', 'models/descriptors/openpose_body25.json'];

interface RawDescriptor {
  keypointFormat: string;
  keypoints: string[];
  limbs: { parts: [number, number] }[];
}

test('every shipped descriptor names a registered format with its keypoints, and the registry draws its PAF limbs', () => {
  for (const file of SHIPPED_DESCRIPTORS) {
    // The descriptor file read as plain JSON, not through the loader under test.
    const raw = JSON.parse(readFileSync(projectPath(file), 'utf8')) as RawDescriptor;
    const format = knownKeypointFormats().find((f) => f.name === raw.keypointFormat);
    assert.ok(format, `${file}: '${raw.keypointFormat}' is registered`);
    assert.deepEqual([...format.keypoints], raw.keypoints, file);
    const key = ([a, b]: readonly [number, number]) => `${Math.min(a, b)}-${Math.max(a, b)}`;
    assert.deepEqual(new Set(format.limbs.map(key)), new Set(raw.limbs.map((limb) => key(limb.parts))), `${file}: limbs`);
    assert.equal(loadDescriptor(projectPath(file)).keypointFormat, format, `${file}: the loader hands out the registry's layout`);
  }
});

test('an unregistered name gets a generic layout; a registered name with other keypoints is refused', () => {
  const generic = keypointFormatFor('my_model', 3);
  assert.deepEqual(generic, { name: 'my_model', keypoints: ['keypoint_0', 'keypoint_1', 'keypoint_2'], limbs: [] });
  assert.equal(keypointFormatFor('coco18', 18).keypoints[1], 'neck');

  const dir = tempDir('hmmr-formats-');
  const raw = JSON.parse(readFileSync(projectPath('models/tfpose_mobilenet_v2_small.json'), 'utf8')) as RawDescriptor & { model: { file: string } };
  raw.keypoints = raw.keypoints.map((name, k) => (k === 0 ? 'snout' : name));
  raw.model.file = projectPath('models', raw.model.file);
  const path = join(dir, 'renamed.json');
  writeFileSync(path, JSON.stringify(raw));
  assert.throws(() => loadDescriptor(path), (error: Error) => error.message.includes(path) && /registered format/.test(error.message));
});
