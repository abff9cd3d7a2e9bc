import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { HMMR25_NAMES, SMPL_FLIP_PERMUTATION, SMPL_PARENTS, flipSmplPose, keypointFlipPermutation } from '../../src/body/joint-sets.js';
import { LbsBodyModel } from '../../src/body/lbs.js';
import { loadBodyModelFile } from '../../src/body/load.js';
import type { BodyModelData } from '../../src/body/model-data.js';
import { initBackend } from '../../src/tf/backend.js';
import * as tf from '../../src/tf/tf.js';
import { tinyModel } from './tiny-model.js';

/** A deterministic pseudo-random sequence (the tests must not depend on Math.random). */
function sequence(count: number, seed: number, amplitude: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return amplitude * (state / 1073741824 - 1);
  });
}

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= tolerance, `${label}: max difference ${worst} > ${tolerance}`);
}

const ELBOW_90: Float32Array = (() => {
  const pose = new Float32Array(72);
  pose[18 * 3 + 2] = Math.PI / 2; // left elbow, 90° about z
  return pose;
})();

const standinData = loadBodyModelFile();
const wristSlot = HMMR25_NAMES.indexOf('left_wrist');

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`LBS on ${backend}`, () => {
    let standin: LbsBodyModel;
    let tiny: LbsBodyModel;
    before(async () => {
      await initBackend(backend);
      standin = new LbsBodyModel(standinData);
      tiny = new LbsBodyModel(tinyModel());
    });

    test('zero pose and zero shape give the template and the regressed rest joints', () => {
      const { vertices, joints } = standin.forward(tf.zeros([1, 72]), tf.zeros([1, 10]));
      closeTo(vertices.dataSync(), standinData.vTemplate, 1e-6, 'vertices');
      closeTo(joints.dataSync(), regressJoints(standinData), 1e-5, 'joints');
    });

    test('a 90° left elbow rotation swings the wrist up, by hand: elbow (0.44, 0.22, -0.03) + Rz·(0.25, 0, 0)', () => {
      const { vertices, joints } = tiny.forward(tf.tensor2d(ELBOW_90, [1, 72]), tf.zeros([1, 10]));
      closeTo(vertices.dataSync().subarray(20 * 3, 21 * 3), [0.44, 0.47, -0.03], 1e-6, 'wrist vertex');
      closeTo(joints.dataSync().subarray(20 * 3, 21 * 3), [0.44, 0.47, -0.03], 1e-6, 'wrist joint');
      closeTo(joints.dataSync().subarray(22 * 3, 23 * 3), [0.45, 0.55, -0.04], 1e-6, 'hand joint (0.77, 0.21, -0.04) swings too');
      closeTo(vertices.dataSync().subarray(21 * 3, 22 * 3), [-0.69, 0.22, -0.03], 1e-6, 'right wrist stays');
    });

    test('the same rotation moves the stand-in wrist keypoint to the rotated rest position', () => {
      const rest = standin.posedKeypoints(tf.zeros([1, 72]), tf.zeros([1, 10]), 'hmmr25').keypoints.arraySync()[0]!;
      const elbow = standin.restJoints(tf.zeros([1, 10])).arraySync()[0]![18]!;
      const wrist = rest[wristSlot]!;
      const expected = [elbow[0]! - (wrist[1]! - elbow[1]!), elbow[1]! + (wrist[0]! - elbow[0]!), wrist[2]!];
      const posed = standin.posedKeypoints(tf.tensor2d(ELBOW_90, [1, 72]), tf.zeros([1, 10]), 'hmmr25').keypoints.arraySync()[0]!;
      closeTo(posed[wristSlot]!, expected, 1e-5, 'left wrist');
      closeTo(posed[HMMR25_NAMES.indexOf('right_wrist')]!, rest[HMMR25_NAMES.indexOf('right_wrist')]!, 1e-6, 'right wrist');
    });

    test('rotations keep bone lengths', () => {
      const shape = tf.tensor2d(sequence(20, 3, 1.5), [2, 10]);
      const rest = standin.restJoints(shape).arraySync();
      const posed = standin.forward(tf.tensor2d(sequence(144, 7, 1.2), [2, 72]), shape).joints.arraySync();
      for (let n = 0; n < 2; n++) {
        for (let j = 1; j < 24; j++) {
          const length = (joints: number[][]) => Math.hypot(...[0, 1, 2].map((c) => joints[j]![c]! - joints[SMPL_PARENTS[j]!]![c]!));
          assert.ok(Math.abs(length(posed[n]!) - length(rest[n]!)) < 1e-5, `sample ${n} bone ${j}`);
        }
      }
    });

    test('the keypoint fast path equals regressing the posed mesh, values and gradients', () => {
      const pose = tf.tensor2d(sequence(3 * 72, 11, 0.8), [3, 72]);
      const shape = tf.tensor2d(sequence(30, 5, 2), [3, 10]);
      for (const set of standin.keypointSets) {
        const fast = standin.posedKeypoints(pose, shape, set);
        const slow = standin.keypoints(standin.forward(pose, shape).vertices, set);
        closeTo(fast.keypoints.dataSync(), slow.dataSync(), 2e-5, set);
      }
      const weights = tf.tensor3d(sequence(3 * 25 * 3, 13, 1), [3, 25, 3]);
      const viaFast = tf.grads((p: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(standin.posedKeypoints(p as tf.Tensor2D, s as tf.Tensor2D, 'hmmr25').keypoints, weights)));
      const viaMesh = tf.grads((p: tf.Tensor, s: tf.Tensor) =>
        tf.sum(tf.mul(standin.keypoints(standin.forward(p as tf.Tensor2D, s as tf.Tensor2D).vertices, 'hmmr25'), weights)),
      );
      const [fastPose, fastShape] = viaFast([pose, shape]);
      const [meshPose, meshShape] = viaMesh([pose, shape]);
      closeTo(fastPose!.dataSync(), meshPose!.dataSync(), 1e-4, 'd/dpose');
      closeTo(fastShape!.dataSync(), meshShape!.dataSync(), 1e-4, 'd/dshape');
    });

    test('gradients are finite, non-zero and match finite differences, also at the zero pose', () => {
      for (const [label, poseValues] of [['zero pose', new Float32Array(72)], ['random pose', sequence(72, 17, 0.7)]] as const) {
        const weights = tf.tensor3d(sequence(25 * 3, 19, 1), [1, 25, 3]);
        const loss = (p: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(standin.posedKeypoints(p as tf.Tensor2D, s as tf.Tensor2D, 'hmmr25').keypoints, weights));
        const pose = tf.tensor2d(poseValues, [1, 72]);
        const shape = tf.tensor2d(sequence(10, 23, 1), [1, 10]);
        const [dPose, dShape] = tf.grads(loss)([pose, shape]).map((g) => g!.dataSync());
        for (const [name, gradient] of [['pose', dPose!], ['shape', dShape!]] as const) {
          assert.ok(gradient.every(Number.isFinite), `${label}: d/d${name} finite`);
          assert.ok(Math.hypot(...gradient) > 1e-3, `${label}: d/d${name} non-zero`);
        }
        // Central differences on the left elbow's z, the root's x and β0.
        const step = 1e-2;
        for (const [name, values, index, analytic] of [
          ['left elbow z', poseValues, 18 * 3 + 2, dPose![18 * 3 + 2]!],
          ['root x', poseValues, 0, dPose![0]!],
        ] as const) {
          const at = (delta: number) => {
            const shifted = Float32Array.from(values);
            shifted[index] = shifted[index]! + delta;
            return loss(tf.tensor2d(shifted, [1, 72]), shape).dataSync()[0]!;
          };
          const numeric = (at(step) - at(-step)) / (2 * step);
          assert.ok(Math.abs(numeric - analytic) < 2e-3 + 1e-2 * Math.abs(numeric), `${label} ${name}: ${analytic} vs ${numeric}`);
        }
        const shapeAt = (delta: number) => loss(pose, tf.add(shape, tf.oneHot([0], 10).mul(delta)) as tf.Tensor2D).dataSync()[0]!;
        const numericBeta = (shapeAt(step) - shapeAt(-step)) / (2 * step);
        assert.ok(Math.abs(numericBeta - dShape![0]!) < 2e-3 + 1e-2 * Math.abs(numericBeta), `${label} β0: ${dShape![0]} vs ${numericBeta}`);
      }
    });

    test('pose and shape can be trained to match target keypoints', () => {
      const target = standin.posedKeypoints(tf.tensor2d(sequence(2 * 72, 29, 0.5), [2, 72]), tf.tensor2d(sequence(20, 31, 1.5), [2, 10]), 'hmmr25').keypoints;
      const pose = tf.variable(tf.zeros([2, 72]));
      const shape = tf.variable(tf.zeros([2, 10]));
      const optimizer = tf.train.adam(0.05);
      const loss = () => tf.mean(tf.abs(tf.sub(standin.posedKeypoints(pose as tf.Tensor2D, shape as tf.Tensor2D, 'hmmr25').keypoints, target))) as tf.Scalar;
      const first = loss().dataSync()[0]!;
      for (let step = 0; step < 40; step++) optimizer.minimize(loss);
      const last = loss().dataSync()[0]!;
      assert.ok(last < first * 0.3, `L1 keypoint error went from ${first} to ${last}`);
    });

    test('flipping the pose mirrors the stand-in exactly (keypoints and joints)', () => {
      const poseValues = sequence(2 * 72, 37, 0.6);
      const shape = tf.tensor2d(sequence(20, 41, 1.5), [2, 10]);
      const original = standin.posedKeypoints(tf.tensor2d(poseValues, [2, 72]), shape, 'hmmr25');
      const flipped = standin.posedKeypoints(tf.tensor2d(flipSmplPose(poseValues), [2, 72]), shape, 'hmmr25');
      const mirrored = (points: number[][][], perm: Int32Array) => points.map((sample) => Array.from(perm, (k) => [-sample[k]![0]!, sample[k]![1]!, sample[k]![2]!]));
      closeTo(flipped.keypoints.arraySync().flat(2), mirrored(original.keypoints.arraySync(), keypointFlipPermutation('hmmr25')).flat(2), 1e-5, 'keypoints');
      closeTo(flipped.joints.arraySync().flat(2), mirrored(original.joints.arraySync(), SMPL_FLIP_PERMUTATION).flat(2), 1e-5, 'joints');
    });

    test('shape direction 0 makes the stand-in taller; bad inputs are refused', () => {
      const height = (beta0: number) => {
        const vertices = standin.forward(tf.zeros([1, 72]), tf.tensor2d([[beta0, 0, 0, 0, 0, 0, 0, 0, 0, 0]])).vertices;
        const y = tf.slice(vertices, [0, 0, 1], [1, -1, 1]);
        return tf.sub(tf.max(y), tf.min(y)).dataSync()[0]!;
      };
      assert.ok(height(1) - height(0) > 0.05 && height(0) - height(-1) > 0.05, `${height(-1)} ${height(0)} ${height(1)}`);
      assert.throws(() => standin.forward(tf.zeros([1, 69]), tf.zeros([1, 10])), /pose must be \[N, 72\]/);
      assert.throws(() => standin.posedKeypoints(tf.zeros([2, 72]), tf.zeros([1, 10]), 'hmmr25'), /shape must be \[N, 10\] with N = 2/);
      assert.throws(() => standin.posedKeypoints(tf.zeros([1, 72]), tf.zeros([1, 10]), 'h36m17'), /has no 'h36m17' keypoint regressor/);
    });
  });
}

function regressJoints(data: BodyModelData): Float32Array {
  const out = new Float32Array(72);
  for (let j = 0; j < 24; j++) {
    for (let v = 0; v < data.vertexCount; v++) {
      const weight = data.jointRegressor[j * data.vertexCount + v]!;
      for (let c = 0; c < 3; c++) out[j * 3 + c]! += weight * data.vTemplate[v * 3 + c]!;
    }
  }
  return out;
}
