/**
 * LSP-14 from whatever joint set a MoCap tube stores: training and the LSP-14 evaluation read every
 * tube through this, so a dataset can keep its own, richer set (Human3.6M's 17 joints, which its
 * protocols 1 and 2 score) without a second copy in LSP order.
 */
import { H36M17_JOINT_COUNT, LSP14_FROM_H36M17, LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import { H36M17_JOINT_SET, LSP14_JOINT_SETS, type StoredGroundTruthFrame } from '../../store/ground-truth.js';

export interface Lsp14Frame {
  /** 14 × 3, metres. */
  joints3d: Float32Array;
  /** 14 flags, or null when the frame stores none (all visible). */
  visible: Uint8Array | null;
}

/** A stored frame's LSP-14 joints and visibility; undefined for a set (or size) that has no LSP-14. */
export function lsp14OfFrame(frame: Pick<StoredGroundTruthFrame, 'jointSet' | 'joints3d' | 'visible'>): Lsp14Frame | undefined {
  if (LSP14_JOINT_SETS.has(frame.jointSet)) return frame.joints3d.length === LSP_JOINT_COUNT * 3 ? { joints3d: frame.joints3d, visible: frame.visible } : undefined;
  if (frame.jointSet !== H36M17_JOINT_SET || frame.joints3d.length !== H36M17_JOINT_COUNT * 3) return undefined;
  const joints3d = new Float32Array(LSP_JOINT_COUNT * 3);
  LSP14_FROM_H36M17.forEach((joint, j) => joints3d.set(frame.joints3d.subarray(joint * 3, joint * 3 + 3), j * 3));
  const visible = frame.visible ? Uint8Array.from(LSP14_FROM_H36M17, (joint) => frame.visible![joint]!) : null;
  return { joints3d, visible };
}
