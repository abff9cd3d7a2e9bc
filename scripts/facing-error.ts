/**
 * How much of a checkpoint's MPJPE is the body's facing direction (docs/results.md, "The MPJPE /
 * PA-MPJPE gap"): predicts the database's mocap3d test split as `hmmr eval --checkpoint` does, then
 * per frame finds the rotation about the vertical axis that best aligns the pelvis-aligned
 * prediction with the ground truth, and prints MPJPE, PA-MPJPE, MPJPE after that rotation, and the
 * distribution of the angle (front/back confusions are angles over 135°).
 *   npx tsx scripts/facing-error.ts <db> <checkpoint or run folder>
 */
import { LSP_JOINT_COUNT } from '../src/body/joint-sets.js';
import { readGroundTruthEvalSet } from '../src/eval/ground-truth-set.js';
import { alignByPelvis } from '../src/metrics/joint-arrays.js';
import { mpjpePerFrame } from '../src/metrics/mpjpe.js';
import { paMpjpePerFrame } from '../src/metrics/procrustes.js';
import { openDatabase } from '../src/store/database.js';
import { predictEvalSet } from '../src/eval/predict-eval-set.js';

const [dbPath, checkpoint] = process.argv.slice(2);
if (!dbPath || !checkpoint) {
  console.error('usage: npx tsx scripts/facing-error.ts <db> <checkpoint or run folder>');
  process.exit(2);
}
const db = openDatabase(dbPath);
const pred = await predictEvalSet(db, dbPath, checkpoint, 'test');
const gt = readGroundTruthEvalSet(db, dbPath, 'test');
const J = LSP_JOINT_COUNT;
let mpjpe = 0;
let paMpjpe = 0;
let afterYaw = 0;
const angles: number[] = [];
for (const truth of gt.sequences) {
  const guess = pred.sequences.find((sequence) => sequence.name === truth.name)!;
  const errors = mpjpePerFrame(guess.joints3d, truth.joints3d, J);
  const paErrors = paMpjpePerFrame(guess.joints3d, truth.joints3d, J);
  const p = alignByPelvis(guess.joints3d, J);
  const g = alignByPelvis(truth.joints3d, J);
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
  }
}
const n = angles.length;
angles.sort((x, y) => x - y);
const mm = (metres: number) => ((1000 * metres) / n).toFixed(1);
console.log(`${checkpoint} (${n} test frames)`);
console.log(`MPJPE ${mm(mpjpe)} mm, PA-MPJPE ${mm(paMpjpe)} mm, MPJPE after the best rotation about the vertical ${mm(afterYaw)} mm`);
console.log(`facing error: mean ${(angles.reduce((x, y) => x + y, 0) / n).toFixed(1)}°, median ${angles[n >> 1]!.toFixed(1)}°, over 135° (front/back confused) ${((100 * angles.filter((angle) => angle > 135).length) / n).toFixed(1)} % of frames`);
db.close();
