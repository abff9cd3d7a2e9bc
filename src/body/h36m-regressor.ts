/**
 * The Human3.6M joint regressor that 3DPW's (and Human3.6M's) published mesh protocol uses:
 * J_regressor_h36m.npy from SPIN's / VIBE's data files, a dense float64 (17, 6890) array whose rows
 * are 17 Human3.6M joints as weighted sums of SMPL vertices. LSP-14 is a pick of its rows.
 */
import { readFileSync } from 'node:fs';
import { BadInputFileError } from '../errors.js';
import { parseNpy } from '../util/npz.js';
import { LSP_JOINT_COUNT } from './joint-sets.js';

export const H36M_REGRESSOR_ROWS = 17;

/**
 * SPIN's constants.H36M_TO_J14 (VIBE and TCMR use the same list): the regressor rows that give the
 * 14 LSP joints in HMMR's order (right ankle, knee, hip, left hip, knee, ankle, right wrist, elbow,
 * shoulder, left shoulder, elbow, wrist, neck, head top). Copied as published; it is not
 * VideoPose3D's 17-joint order (LSP14_FROM_H36M17), which is a different array.
 */
export const LSP14_FROM_H36M_REGRESSOR: readonly number[] = [6, 5, 4, 1, 2, 3, 16, 15, 14, 11, 12, 13, 8, 10];

/** The keypoint set name under which a body model carries the LSP-14 rows of this regressor. */
export const LSP14_H36M_SET = 'lsp14-h36m';

export interface H36mRegressor {
  path: string;
  vertexCount: number;
  /** [17, V] row-major. */
  weights: Float32Array;
}

/** Reads and checks a J_regressor_h36m .npy file; a wrong shape or dtype is one line naming it. */
export function readH36mRegressor(path: string): H36mRegressor {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new BadInputFileError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const array = parseNpy(bytes, path);
  if (array.dtype === 'bool') throw new BadInputFileError(path, 'a boolean array; the joint regressor holds float weights');
  const [rows, columns] = array.shape;
  if (array.shape.length !== 2 || rows !== H36M_REGRESSOR_ROWS) {
    throw new BadInputFileError(path, `shape (${array.shape.join(', ')}), expected (${H36M_REGRESSOR_ROWS}, vertices): Human3.6M's 17 joints from the SMPL mesh (J_regressor_h36m.npy)`);
  }
  const weights = Float32Array.from(array.data as ArrayLike<number>, Number);
  const bad = weights.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new BadInputFileError(path, `a non-finite weight at row ${Math.floor(bad / columns!)}, column ${bad % columns!}`);
  return { path, vertexCount: columns!, weights };
}

/** The 14 LSP rows [14, V] of the regressor, for a model with `vertexCount` vertices (named `modelPath` if not). */
export function lsp14RegressorRows(regressor: H36mRegressor, vertexCount: number, modelPath: string): Float32Array {
  if (regressor.vertexCount !== vertexCount) {
    throw new BadInputFileError(regressor.path, `${regressor.vertexCount} columns, but the SMPL model ${modelPath} has ${vertexCount} vertices`);
  }
  const rows = new Float32Array(LSP_JOINT_COUNT * vertexCount);
  LSP14_FROM_H36M_REGRESSOR.forEach((row, j) => rows.set(regressor.weights.subarray(row * vertexCount, (row + 1) * vertexCount), j * vertexCount));
  return rows;
}
