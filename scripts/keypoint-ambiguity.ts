/**
 * Can the 2D keypoints tell the predicted turn of a body from the true one? (docs/results.md, *Is the
 * turn in the keypoints?*) For every frame of a split's mocap3d tubes, fits each of four 3D bodies to
 * the frame's own detector keypoints (the LSP-14 part of the canonical set, weak perspective, best
 * scale and offset, confidence-weighted: the fit of `--refine-orientation`) and prints the RMS 2D
 * error on the body in millimetres:
 *   - the ground truth;
 *   - the ground truth turned by the model's error (the inverse of the one rotation per sequence that
 *     best moves the prediction onto the truth);
 *   - the prediction;
 *   - the prediction with that rotation removed.
 * If the truth turned by the model's error fits the keypoints about as well as the truth, the
 * keypoints cannot tell the two turns apart; if the prediction fits them worse than the truth, the
 * network leaves 2D evidence unused.
 *   npx tsx scripts/keypoint-ambiguity.ts <db> <checkpoint or run folder> [test|train|val]
 */
import { LSP_JOINT_COUNT } from '../src/body/joint-sets.js';
import { readGroundTruthEvalSet } from '../src/eval/ground-truth-set.js';
import { predictEvalSet } from '../src/eval/predict-eval-set.js';
import { alignByPelvis } from '../src/metrics/joint-arrays.js';
import { applySimilarityTransform, fitSimilarityTransform } from '../src/metrics/procrustes.js';
import { observedJoints, weakPerspectiveFit } from '../src/predict/orientation-refinement.js';
import { openDatabase } from '../src/store/database.js';
import { loadTubes } from '../src/store/tubes.js';
import { KEYPOINT_COUNT, normaliseTubeKeypoints } from '../src/train/data/sequence.js';

const [dbPath, checkpoint, splitArgument = 'test'] = process.argv.slice(2);
if (!dbPath || !checkpoint || !['test', 'train', 'val'].includes(splitArgument)) {
  console.error('usage: npx tsx scripts/keypoint-ambiguity.ts <db> <checkpoint or run folder> [test|train|val]');
  process.exit(2);
}
const split = splitArgument as 'test' | 'train' | 'val';
const J = LSP_JOINT_COUNT;
const MIN_KEYPOINTS = 6;
const db = openDatabase(dbPath);
const pred = await predictEvalSet(db, dbPath, checkpoint, split);
const gt = readGroundTruthEvalSet(db, dbPath, split);
const tubes = new Map(loadTubes(db, { tier: 'mocap3d', split, withoutRejected: true }).map((tube) => [tube.name, tube]));

/** Each frame's joints moved so their centroid is at the origin (a rotation about it then turns the body in place). */
const centred = (joints: Float64Array, frames: number) => {
  const out = joints.slice();
  for (let f = 0; f < frames; f++) {
    for (let axis = 0; axis < 3; axis++) {
      let mean = 0;
      for (let j = 0; j < J; j++) mean += out[(f * J + j) * 3 + axis]! / J;
      for (let j = 0; j < J; j++) out[(f * J + j) * 3 + axis] -= mean;
    }
  }
  return out;
};
const turn = (rotation: Float64Array, joints: Float64Array, frames: number) =>
  applySimilarityTransform({ scale: 1, rotation, translation: new Float64Array(3) }, joints, frames * J);
const transpose = (m: Float64Array) => Float64Array.from([m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!]);
const angleOf = (m: Float64Array) => (Math.acos(Math.min(1, Math.max(-1, (m[0]! + m[4]! + m[8]! - 1) / 2))) * 180) / Math.PI;

const bodies = ['ground truth', 'ground truth turned by the model’s error', 'prediction', 'prediction with its turn error removed'] as const;
const sums = bodies.map(() => 0);
let frames = 0;
const sequenceAngles: number[] = [];
for (const truth of gt.sequences) {
  const guess = pred.sequences.find((sequence) => sequence.name === truth.name)!;
  const tube = tubes.get(truth.name)!;
  const keypoints = normaliseTubeKeypoints(tube.frames, tube.keypointFormat);
  const F = truth.frameCount;
  const g = centred(alignByPelvis(truth.joints3d, J), F);
  const p = centred(alignByPelvis(guess.joints3d, J), F);
  // The one rotation per sequence that best moves the prediction onto the truth (scale ignored).
  const error = fitSimilarityTransform(p, g, F * J).rotation;
  sequenceAngles.push(angleOf(error));
  const candidates = [g, turn(transpose(error), g, F), p, turn(error, p, F)];
  for (let f = 0; f < F; f++) {
    const targets = observedJoints(keypoints, KEYPOINT_COUNT, f);
    if (targets.count < MIN_KEYPOINTS) continue;
    const weight = targets.weight.reduce((sum, w) => sum + w, 0);
    candidates.forEach((joints, i) => {
      const fit = weakPerspectiveFit(joints.subarray(f * J * 3, (f + 1) * J * 3), targets);
      sums[i]! += Math.sqrt(fit.error / weight) / fit.a;
    });
    frames++;
  }
}
sequenceAngles.sort((a, b) => a - b);
const median = sequenceAngles[sequenceAngles.length >> 1]!;
console.log(`${checkpoint}, ${split} split: ${gt.sequences.length} sequences, ${frames} frames with ≥ ${MIN_KEYPOINTS} keypoints`);
console.log(`the model's turn error per sequence (one rotation): median ${median.toFixed(1)}°, max ${sequenceAngles.at(-1)!.toFixed(1)}°`);
console.log('RMS 2D error of the weak-perspective fit to the detector keypoints (LSP-14 part), mm on the body:');
bodies.forEach((body, i) => console.log(`  ${body}: ${((1000 * sums[i]!) / frames).toFixed(1)}`));
db.close();
