import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBodyModelFile } from '../../src/body/load.js';
import { writeBvh } from '../../src/motion/bvh.js';
import { writeGlb } from '../../src/motion/gltf.js';
import { restBody } from '../../src/motion/rest-body.js';
import { skeletonAnimation } from '../../src/motion/skeleton-animation.js';
import { tubeMotion } from '../../src/motion/tube-motion.js';
import { projectPath } from '../../src/util/project-root.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticTubePrediction } from './motion-fixture.js';
import { bvhJointPositions } from './reference-poses.js';

/** Blender is optional (not installed by .ci/run): this test runs where `blender` is on the PATH. */
const blender = spawnSync('blender', ['--version'], { encoding: 'utf8' }).status === 0;
const FRAMES = 40;
const FRAME = 17;

test('Blender imports the BVH and the .glb: 24 bones, every frame, joints where three.js puts them (1 mm)', { skip: !blender && 'blender is not installed' }, () => {
  const dir = tempDir('hmmr-blender-');
  const model = loadBodyModelFile();
  const crops = Array.from({ length: FRAMES }, (_, f) => ({ centerX: 300 + 3 * f, centerY: 260, scale: 0.9 }));
  const motion = tubeMotion(syntheticTubePrediction(5, FRAMES), crops, { width: 640, height: 480 }, 800);
  const rest = restBody(model, motion.betas);
  const animation = skeletonAnimation(motion, rest);
  const bvh = writeBvh(animation);
  writeFileSync(join(dir, 'm.bvh'), bvh);
  writeFileSync(join(dir, 'm.glb'), writeGlb(animation, model, rest, motion.name));
  const reference = bvhJointPositions(bvh);
  for (const file of ['m.bvh', 'm.glb']) {
    const output = execFileSync('blender', ['-b', '--python', projectPath('test', 'motion', 'blender-joints.py'), '--', join(dir, file), '30', String(FRAME)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const line = output.split('\n').find((text) => text.startsWith('RESULT '));
    assert.ok(line, `${file}: Blender printed no result:\n${output.slice(-2000)}`);
    const result = JSON.parse(line.slice(7)) as { frames: number; mesh_vertices: number[]; joints: Record<string, [number, number, number]> };
    assert.equal(result.frames, FRAMES);
    assert.equal(Object.keys(result.joints).length, 24);
    assert.deepEqual(result.mesh_vertices, file.endsWith('.glb') ? [model.vertexCount] : []);
    reference.names.forEach((name, j) => {
      const [x, y, z] = reference.positions.slice((FRAME * 24 + j) * 3, (FRAME * 24 + j) * 3 + 3) as unknown as [number, number, number];
      const [bx, by, bz] = result.joints[name]!;
      // Blender is Z-up: its importers turn y-up files by (x, y, z) → (x, −z, y).
      const distance = Math.hypot(bx - x, by + z, bz - y);
      assert.ok(distance < 1e-3, `${file} ${name}: ${(distance * 1000).toFixed(3)} mm off`);
    });
  }
});
