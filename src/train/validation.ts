import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import type { BodyModel } from '../body/types.js';
import { mpjpePerFrame } from '../metrics/mpjpe.js';
import { paMpjpePerFrame } from '../metrics/procrustes.js';
import type { TrainingSequence } from './data/sequence.js';
import type { HmmrNetwork } from './nn/hmmr-network.js';
import { predictSequence } from './predict.js';

/** Validation scores over every validation frame with 3D ground truth, in millimetres. */
export interface ValidationScore {
  mpjpeMm: number;
  paMpjpeMm: number;
  frames: number;
}

/**
 * Scores the network on held-out sequences exactly as `hmmr eval --checkpoint` would: the same
 * sliding-window prediction with blank padding (predictSequence), pelvis-aligned MPJPE and
 * PA-MPJPE on the 14 LSP joints, averaged over all frames with 3D ground truth.
 */
export function validateNetwork(network: HmmrNetwork, body: BodyModel, sequences: readonly TrainingSequence[], windowFrames: number): ValidationScore {
  let mpjpe = 0;
  let paMpjpe = 0;
  let frames = 0;
  for (const sequence of sequences) {
    const gt = sequence.groundTruth;
    if (!gt) continue;
    const blank = sequence.blankFeatures ?? new Float32Array(sequence.features.dims);
    const prediction = predictSequence(network, body, sequence.features.original, blank, windowFrames);
    const mask = Uint8Array.from(gt.hasJoints);
    const errors = mpjpePerFrame(prediction.joints3d, gt.joints3d, LSP_JOINT_COUNT, mask);
    const paErrors = paMpjpePerFrame(prediction.joints3d, gt.joints3d, LSP_JOINT_COUNT, mask);
    for (let f = 0; f < sequence.frameCount; f++) {
      if (!mask[f]) continue;
      mpjpe += errors[f]!;
      paMpjpe += paErrors[f]!;
      frames++;
    }
  }
  if (frames === 0) throw new Error('validation sequences have no frame with 3D ground truth');
  return { mpjpeMm: (1000 * mpjpe) / frames, paMpjpeMm: (1000 * paMpjpe) / frames, frames };
}

/**
 * The training sequences with 3D ground truth to hold out for validation: round(fraction × takes) of
 * their takes (none when that is 0, and never all), every view of a chosen take together — another
 * camera's view of a trained take is nearly a training tube, and would flatter the best-checkpoint
 * choice. A sequence without a take is a take of its own. Takes are chosen by a hash of their
 * members' tube ids, so every seed and every model of a comparison holds out the same tubes.
 */
export function chooseValidationSequences(sequences: readonly TrainingSequence[], fraction: number): Set<TrainingSequence> {
  const takes = new Map<string, TrainingSequence[]>();
  for (const sequence of sequences) {
    if (!sequence.groundTruth) continue;
    const key = sequence.take === undefined ? `tube ${sequence.id}` : `take ${sequence.take}`;
    const members = takes.get(key);
    if (members) members.push(sequence);
    else takes.set(key, [sequence]);
  }
  const count = Math.min(Math.round(takes.size * fraction), takes.size - 1);
  if (count <= 0) return new Set();
  // A take ranks by its first member in (hash, id) order: a take of one tube ranks by that tube alone.
  const rank = (a: TrainingSequence, b: TrainingSequence) => idHash(a.id) - idHash(b.id) || a.id.localeCompare(b.id);
  const ranked = [...takes.values()].map((members) => ({ members, leader: members.reduce((best, s) => (rank(s, best) < 0 ? s : best)) }));
  ranked.sort((a, b) => rank(a.leader, b.leader));
  return new Set(ranked.slice(0, count).flatMap((take) => take.members));
}

/** FNV-1a over the id's UTF-16 code units: a stable order unrelated to insertion order. */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
