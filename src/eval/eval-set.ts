import { H36M17_JOINT_COUNT, LSP_JOINT_COUNT } from '../body/joint-sets.js';

/**
 * What `hmmr eval` compares: a set of named sequences of 3D joints (and optionally 2D keypoints
 * in the 224 crop with visibility), from an eval file (docs/eval-format.md), from `hmmr synth`,
 * or from a checkpoint's predictions.
 */
export const SUPPORTED_EVAL_JOINT_SETS = ['lsp14', 'h36m17'] as const;
export type EvalJointSet = (typeof SUPPORTED_EVAL_JOINT_SETS)[number];

/** lsp14: HMMR's 3D joints; h36m17: Human3.6M's 17 (protocols 1 and 2, pelvis = joint 0). */
export const EVAL_JOINT_COUNT: Record<EvalJointSet, number> = { lsp14: LSP_JOINT_COUNT, h36m17: H36M17_JOINT_COUNT };

/** The joint set of a joint count (npz eval files carry no name). */
export function evalJointSetOfCount(count: number): EvalJointSet | undefined {
  return SUPPORTED_EVAL_JOINT_SETS.find((set) => EVAL_JOINT_COUNT[set] === count);
}

export interface EvalSequence {
  name: string;
  frameCount: number;
  /** frames × joints × 3, metres. */
  joints3d: Float64Array;
  /** frames × joints × 2, pixels of the 224×224 crop. */
  joints2d?: Float64Array;
  /** frames × joints, 1 = visible (ground truth: decides which frames and points count). */
  visible?: Uint8Array;
}

export interface EvalSet {
  /** Frames per second; needed only for the per-second² acceleration figures. */
  fps?: number;
  jointSet: EvalJointSet;
  sequences: EvalSequence[];
}
