import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateBytes } from 'gltf-validator';
import { Vector3, type SkinnedMesh } from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { SMPL_JOINT_NAMES } from '../../src/body/joint-sets.js';
import { LbsBodyModel } from '../../src/body/lbs.js';
import { loadBodyModelFile } from '../../src/body/load.js';
import { writeBvh } from '../../src/motion/bvh.js';
import { writeGlb } from '../../src/motion/gltf.js';
import { restBody } from '../../src/motion/rest-body.js';
import { skeletonAnimation } from '../../src/motion/skeleton-animation.js';
import { tubeMotion, type TubeMotion } from '../../src/motion/tube-motion.js';
import * as tf from '../../src/tf/tf.js';
import { useStandinBody } from '../train/standin-body.js';
import { syntheticTubePrediction } from './motion-fixture.js';
import { bvhJointPositions, modelJoints, turnToExportFrame, worstDistance } from './reference-poses.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

const FRAMES = 40;
const crops = Array.from({ length: FRAMES }, (_, f) => ({ centerX: 300 + 3 * f, centerY: 260, scale: 0.9 }));

/**
 * Expected joint positions: the body model's forward kinematics (reference-poses.ts) moved by each
 * frame's camera translation and turned into the export frame (y up, camera looking down −z).
 */
function expectedJoints(motion: TubeMotion): Float32Array {
  const joints = modelJoints(body, motion.prediction.theta, motion.betas);
  motion.translations?.forEach((t, f) => {
    for (let i = f * 72; i < (f + 1) * 72; i++) joints[i]! += t[i % 3]!;
  });
  return turnToExportFrame(joints);
}

for (const withCamera of [true, false]) {
  test(`BVH parsed by three.js's BVHLoader reproduces the body model's joint positions within 1 mm (${withCamera ? 'root moved by the camera translation' : 'no frame size: root at rest'})`, () => {
    const model = loadBodyModelFile();
    const motion = tubeMotion(syntheticTubePrediction(5, FRAMES), crops, withCamera ? { width: 640, height: 480 } : null, withCamera ? 800 : null);
    const text = writeBvh(skeletonAnimation(motion, restBody(model, motion.betas)));
    const parsed = bvhJointPositions(text);
    assert.deepEqual(parsed.names, [...SMPL_JOINT_NAMES]);
    assert.ok(Math.abs(parsed.frameTime - 1 / 30) < 1e-7, `frame time ${parsed.frameTime}`);
    const expected = expectedJoints(motion);
    if (!withCamera) {
      // Without a translation the root stays at its rest position J₀ rather than at the turned (x, −y, −z) of it.
      const root = restBody(model, motion.betas).joints;
      expected.forEach((value, i) => (expected[i] = value + (i % 3 === 0 ? 0 : 2 * root[i % 3]!)));
    }
    const worst = worstDistance(parsed.positions, expected);
    assert.ok(worst < 1e-3, `worst joint is ${(worst * 1000).toFixed(3)} mm off`);
    if (withCamera) assert.ok(Math.abs(parsed.positions[2]!) > 1, 'the body stands in front of the camera, metres away');
  });
}

test('the .glb passes the Khronos glTF validator with no errors (and no warnings)', async () => {
  const model = loadBodyModelFile();
  const motion = tubeMotion(syntheticTubePrediction(7, FRAMES), crops, { width: 640, height: 480 }, 800);
  const rest = restBody(model, motion.betas);
  const report = await validateBytes(writeGlb(skeletonAnimation(motion, rest), model, rest, motion.name), { uri: 'motion.glb', maxIssues: 50 });
  assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages, null, 1));
  assert.equal(report.issues.numWarnings, 0, JSON.stringify(report.issues.messages, null, 1));
  assert.deepEqual([report.info!['animationCount'], report.info!['hasSkins'], report.info!['totalVertexCount']], [1, true, model.vertexCount]);
});

test("the .glb loaded by three.js's GLTFLoader poses joints and skinned vertices as the body model does (within 1 mm; no pose blend shapes)", async () => {
  const model = loadBodyModelFile();
  const motion = tubeMotion(syntheticTubePrediction(9, FRAMES), crops, { width: 640, height: 480 }, 800);
  const rest = restBody(model, motion.betas);
  const glb = writeGlb(skeletonAnimation(motion, rest), model, rest, motion.name);
  const gltf = await new GLTFLoader().parseAsync(glb.buffer.slice(glb.byteOffset, glb.byteOffset + glb.byteLength) as ArrayBuffer, '');
  let mesh: SkinnedMesh | undefined;
  gltf.scene.traverse((object) => {
    if ((object as SkinnedMesh).isSkinnedMesh) mesh = object as SkinnedMesh;
  });
  const bones = new Map(mesh!.skeleton.bones.map((bone) => [bone.name, bone]));
  // The reference: tfjs LBS of the same model with its pose blend shapes switched off (glTF skinning has none).
  const withoutPoseBlend = new LbsBodyModel({ ...model, poseDirs: new Float32Array(model.poseDirs.length) });
  const theta = motion.prediction.theta;
  const checked = [0, 13, FRAMES - 1];
  const pose = Float32Array.from({ length: checked.length * 72 }, (_, i) => theta[checked[Math.floor(i / 72)]! * 85 + 3 + (i % 72)]!);
  const shape = Float32Array.from({ length: checked.length * 10 }, (_, i) => motion.betas[i % 10]!);
  const reference = tf.tidy(() => {
    const { vertices, joints } = withoutPoseBlend.forward(tf.tensor2d(pose, [checked.length, 72]), tf.tensor2d(shape, [checked.length, 10]));
    return { vertices: vertices.dataSync() as Float32Array, joints: joints.dataSync() as Float32Array };
  });
  withoutPoseBlend.dispose();
  const toExport = (values: Float32Array, count: number, k: number, f: number) => {
    const t = motion.translations![f]!;
    return Float32Array.from({ length: count * 3 }, (_, i) => {
      const value = values[k * count * 3 + i]! + t[i % 3]!;
      return i % 3 === 0 ? value : -value;
    });
  };
  checked.forEach((f, k) => {
    for (const track of gltf.animations[0]!.tracks) {
      const [boneName, property] = track.name.split('.') as [string, string];
      const bone = bones.get(boneName)!;
      if (property === 'quaternion') bone.quaternion.fromArray(track.values, f * 4);
      else bone.position.fromArray(track.values, f * 3);
    }
    gltf.scene.updateMatrixWorld(true);
    mesh!.skeleton.update();
    const joints = Float32Array.from(SMPL_JOINT_NAMES.flatMap((name) => bones.get(name)!.getWorldPosition(new Vector3()).toArray()));
    const jointError = worstDistance(joints, toExport(reference.joints, 24, k, f));
    assert.ok(jointError < 1e-3, `frame ${f}: joints ${(jointError * 1000).toFixed(3)} mm off`);
    const skinned = new Float32Array(model.vertexCount * 3);
    for (let v = 0; v < model.vertexCount; v++) {
      // SkinnedMesh.getVertexPosition applies the skinning (the bone transforms), in the mesh's frame.
      const point = mesh!.getVertexPosition(v, new Vector3()).applyMatrix4(mesh!.matrixWorld);
      skinned.set(point.toArray(), v * 3);
    }
    const vertexError = worstDistance(skinned, toExport(reference.vertices, model.vertexCount, k, f));
    assert.ok(vertexError < 1e-3, `frame ${f}: vertices ${(vertexError * 1000).toFixed(3)} mm off`);
  });
});
