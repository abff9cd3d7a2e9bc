/**
 * How much of a checkpoint's MPJPE is the body's facing direction (docs/results.md, "The MPJPE /
 * PA-MPJPE gap"): predicts the database's mocap3d test split as `hmmr eval --checkpoint` does, then
 * per frame finds the rotation about the vertical axis that best aligns the pelvis-aligned
 * prediction with the ground truth, and prints MPJPE, PA-MPJPE, MPJPE after that rotation, and the
 * distribution of the angle (front/back confusions are angles over 135°). To split the rest of the
 * gap, it also prints MPJPE after the best rigid motion (any rotation, no scale), after the best
 * scale alone (no rotation), and the similarity fit's scale (> 1: the prediction is too small); and,
 * to tell a constant error of a sequence from per-frame error, MPJPE after one best rotation per
 * sequence (fitted to all its frames at once, centroids aligned, no scale).
 *   npx tsx scripts/facing-error.ts <db> <checkpoint or run folder> [test|train|val]
 */
import { LSP_JOINT_COUNT } from '../src/body/joint-sets.js';
import { readGroundTruthEvalSet } from '../src/eval/ground-truth-set.js';
import { alignByPelvis } from '../src/metrics/joint-arrays.js';
import { mpjpePerFrame } from '../src/metrics/mpjpe.js';
import { applySimilarityTransform, fitSimilarityTransform, paMpjpePerFrame } from '../src/metrics/procrustes.js';
import { openDatabase } from '../src/store/database.js';
import { predictEvalSet } from '../src/eval/predict-eval-set.js';

const [dbPath, checkpoint, splitArgument = 'test'] = process.argv.slice(2);
const split = splitArgument as 'train' | 'val' | 'test';
if (!dbPath || !checkpoint) {
  console.error('usage: npx tsx scripts/facing-error.ts <db> <checkpoint or run folder>');
  process.exit(2);
}
const db = openDatabase(dbPath);
const pred = await predictEvalSet(db, dbPath, checkpoint, split);
const gt = readGroundTruthEvalSet(db, dbPath, split);
const J = LSP_JOINT_COUNT;
let mpjpe = 0;
let paMpjpe = 0;
let afterYaw = 0;
let afterRigid = 0;
let afterScale = 0;
let afterCentroid = 0;
let afterSequenceRotation = 0;
const angles: number[] = [];
const scales: number[] = [];
/** Per frame, the similarity fit's rotation as an axis-angle vector's absolute components, degrees. */
const rotationAbout: [number[], number[], number[]] = [[], [], []];
/**
 * The body's turn away from facing the camera, from the left-minus-right hip and shoulder vector in
 * the x–z plane (LSP-14: hips 2/3, shoulders 8/9); 0 = square to the camera. Weak perspective sees
 * a turn of +θ and −θ almost alike (the depth order of the two sides flips), so `mirrored` counts
 * frames whose predicted turn is nearer the ground truth's mirror image than the ground truth.
 */
const turnOf = (joints: ArrayLike<number>, offset: number) => {
  const across = (axis: number) => joints[offset + 3 * 3 + axis]! - joints[offset + 2 * 3 + axis]! + joints[offset + 9 * 3 + axis]! - joints[offset + 8 * 3 + axis]!;
  return Math.atan2(across(2), across(0));
};
/** Angle between two turns, radians in [0, π]. */
const gap = (a: number, b: number) => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));
/** How far a turn is from square to the camera (facing it or facing away), radians in [0, π/2]. */
const fromSquare = (turn: number) => Math.min(Math.abs(turn), Math.PI - Math.abs(turn));
/** Shifts one frame's J points (from 0) so their centroid is that of frame `offset` of `target`; returns them. */
const moveCentroidOnto = (points: Float64Array, target: ArrayLike<number>, offset: number) => {
  for (let axis = 0; axis < 3; axis++) {
    let shift = 0;
    for (let j = 0; j < J; j++) shift += target[offset + j * 3 + axis]! - points[j * 3 + axis]!;
    for (let j = 0; j < J; j++) points[j * 3 + axis] += shift / J;
  }
  return points;
};
/**
 * Σ over frames of the MPJPE left after the one rotation that best fits all of a sequence's frames
 * (each frame's prediction moved onto the truth's centroid first), metres.
 */
const sequenceRotationError = (p: Float64Array, g: Float64Array, frames: number) => {
  const moved = new Float64Array(p.length);
  for (let f = 0; f < frames; f++) moved.set(moveCentroidOnto(Float64Array.from(p.subarray(f * J * 3, (f + 1) * J * 3)), g, f * J * 3), f * J * 3);
  const fit = fitSimilarityTransform(moved, g, frames * J);
  const rotated = applySimilarityTransform({ scale: 1, rotation: fit.rotation, translation: new Float64Array(3) }, moved, frames * J);
  let sum = 0;
  for (let f = 0; f < frames; f++) sum += frameError(moveCentroidOnto(rotated.slice(f * J * 3, (f + 1) * J * 3), g, f * J * 3), 0, g, f * J * 3);
  return sum;
};
let turned = 0;
let mirrored = 0;
/** Σ (|truth's turn| − |predicted turn|) over the turned frames, radians: > 0 = turns predicted too small. */
let underTurn = 0;
/** Mean joint distance of frame f of `a` (n×3 from offset) to frame f of `b`. */
const frameError = (a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number) => {
  let error = 0;
  for (let j = 0; j < J; j++) error += Math.hypot(a[aOffset + j * 3]! - b[bOffset + j * 3]!, a[aOffset + j * 3 + 1]! - b[bOffset + j * 3 + 1]!, a[aOffset + j * 3 + 2]! - b[bOffset + j * 3 + 2]!);
  return error / J;
};
for (const truth of gt.sequences) {
  const guess = pred.sequences.find((sequence) => sequence.name === truth.name)!;
  const errors = mpjpePerFrame(guess.joints3d, truth.joints3d, J);
  const paErrors = paMpjpePerFrame(guess.joints3d, truth.joints3d, J);
  const p = alignByPelvis(guess.joints3d, J);
  const g = alignByPelvis(truth.joints3d, J);
  afterSequenceRotation += sequenceRotationError(p, g, truth.frameCount);
  for (let f = 0; f < truth.frameCount; f++) {
    mpjpe += errors[f]!;
    paMpjpe += paErrors[f]!;
    // Ry(φ)·p = (cos φ·x + sin φ·z, y, −sin φ·x + cos φ·z); Σ g·Ry(φ)p = A cos φ + B sin φ is largest at atan2(B, A).
    let a = 0;
    let b = 0;
    for (let j = 0; j < J; j++) {
      const o = (f * J + j) * 3;
      a += p[o]! * g[o]! + p[o + 2]! * g[o + 2]!;
      b += p[o + 2]! * g[o]! - p[o]! * g[o + 2]!;
    }
    const phi = Math.atan2(b, a);
    const [c, s] = [Math.cos(phi), Math.sin(phi)];
    let error = 0;
    for (let j = 0; j < J; j++) {
      const o = (f * J + j) * 3;
      const [x, y, z] = [p[o]!, p[o + 1]!, p[o + 2]!];
      error += Math.hypot(c * x + s * z - g[o]!, y - g[o + 1]!, -s * x + c * z - g[o + 2]!);
    }
    afterYaw += error / J;
    angles.push((Math.abs(phi) * 180) / Math.PI);

    const offset = f * J * 3;
    // The similarity fit's rotation does not depend on its scale: reuse it with scale 1 and the
    // matching translation for the best rigid motion.
    const similarity = fitSimilarityTransform(p, g, J, offset, offset);
    scales.push(similarity.scale);
    const r = similarity.rotation;
    const angle = Math.acos(Math.min(1, Math.max(-1, (r[0]! + r[4]! + r[8]! - 1) / 2)));
    const sinTwice = 2 * Math.sin(angle);
    const axis = sinTwice > 1e-9 ? [(r[7]! - r[5]!) / sinTwice, (r[2]! - r[6]!) / sinTwice, (r[3]! - r[1]!) / sinTwice] : [0, 0, 0];
    axis.forEach((component, i) => rotationAbout[i]!.push(Math.abs((component * angle * 180) / Math.PI)));
    const rigid = { scale: 1, rotation: similarity.rotation, translation: new Float64Array(3) };
    const moved = applySimilarityTransform(rigid, p, J, offset);
    moveCentroidOnto(moved, g, offset);
    afterRigid += frameError(moved, 0, g, offset);
    const truthTurn = turnOf(g, offset);
    if (Math.abs(truthTurn) > (10 * Math.PI) / 180 && Math.abs(Math.abs(truthTurn) - Math.PI) > (10 * Math.PI) / 180) {
      turned++;
      const guessTurn = turnOf(p, offset);
      if (gap(guessTurn, -truthTurn) < gap(guessTurn, truthTurn)) mirrored++;
      underTurn += fromSquare(truthTurn) - fromSquare(guessTurn);
    }
    // The best translation alone: centroids aligned instead of pelvises.
    const shifted = moveCentroidOnto(Float64Array.from(p.subarray(offset, offset + J * 3)), g, offset);
    afterCentroid += frameError(shifted, 0, g, offset);
    // Best scale about the pelvis alone: s = Σ p·g / Σ p·p.
    let pg = 0;
    let pp = 0;
    for (let i = offset; i < offset + J * 3; i++) {
      pg += p[i]! * g[i]!;
      pp += p[i]! * p[i]!;
    }
    const scaled = Float64Array.from(p.subarray(offset, offset + J * 3), (value) => (value * pg) / pp);
    afterScale += frameError(scaled, 0, g, offset);
  }
}
const n = angles.length;
angles.sort((x, y) => x - y);
const mm = (metres: number) => ((1000 * metres) / n).toFixed(1);
console.log(`${checkpoint} (${n} ${split} frames)`);
console.log(`MPJPE ${mm(mpjpe)} mm, PA-MPJPE ${mm(paMpjpe)} mm, MPJPE after the best rotation about the vertical ${mm(afterYaw)} mm`);
console.log(`MPJPE after the best rigid motion (no scale) ${mm(afterRigid)} mm, after the best scale alone (no rotation) ${mm(afterScale)} mm, after centroids instead of pelvises aligned (no rotation) ${mm(afterCentroid)} mm, after one rotation per sequence (centroids aligned, no scale) ${mm(afterSequenceRotation)} mm`);
scales.sort((x, y) => x - y);
console.log(`similarity-fit scale (ground truth size ÷ predicted): median ${scales[n >> 1]!.toFixed(3)}, 10th–90th percentile ${scales[Math.floor(n * 0.1)]!.toFixed(3)}–${scales[Math.floor(n * 0.9)]!.toFixed(3)}`);
const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!.toFixed(1);
const meanOf = (values: number[]) => (values.reduce((x, y) => x + y, 0) / values.length).toFixed(1);
console.log(`similarity-fit rotation, median |component| of its axis-angle vector: about x (camera right; tilt towards/away from the camera) ${median(rotationAbout[0])}° (mean ${meanOf(rotationAbout[0])}°), y (vertical) ${median(rotationAbout[1])}° (mean ${meanOf(rotationAbout[1])}°), z (viewing axis; in the image plane) ${median(rotationAbout[2])}° (mean ${meanOf(rotationAbout[2])}°)`);
console.log(`frames turned more than 10° from square to the camera: ${turned}; predicted turn nearer the mirror image (−θ) than the truth (θ): ${((100 * mirrored) / Math.max(1, turned)).toFixed(1)} %; turn predicted smaller than the truth's by ${((underTurn / Math.max(1, turned)) * 180 / Math.PI).toFixed(1)}° on average`);
console.log(`facing error: mean ${(angles.reduce((x, y) => x + y, 0) / n).toFixed(1)}°, median ${angles[n >> 1]!.toFixed(1)}°, over 135° (front/back confused) ${((100 * angles.filter((angle) => angle > 135).length) / n).toFixed(1)} % of frames`);
db.close();
