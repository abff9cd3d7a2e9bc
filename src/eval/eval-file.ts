import { readFileSync, writeFileSync } from 'node:fs';
import { BadInputFileError } from '../errors.js';
import { encodeNpz, parseNpz } from '../util/npz.js';
import { parseEvalJson, serializeEvalJson } from './eval-file-json.js';
import { evalSetToNpz, parseEvalNpz } from './eval-file-npz.js';
import { EVAL_JOINT_COUNT, type EvalSet } from './eval-set.js';

/** An eval set and the file it came from, so comparison errors can name the file. */
export interface LoadedEvalSet extends EvalSet {
  path: string;
}

/**
 * Reads an eval file (docs/eval-format.md): .npz when the name says so, JSON otherwise. Every
 * problem is a BadInputFileError naming the file.
 */
export function loadEvalFile(path: string): LoadedEvalSet {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new BadInputFileError(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const set = isNpzPath(path) ? parseEvalNpz(parseNpz(bytes, path), path) : parseEvalJson(bytes.toString('utf8'), path);
  assertMetres(set, path);
  return { ...set, path };
}

/** No joint of a person in metres is this far from the body's centre; in millimetres nearly all are. */
const MAX_BODY_RADIUS_METRES = 10;

/**
 * Eval files hold metres. Millimetres (the unit of Human3.6M's and most MoCap exports) would pass
 * every shape check and give errors 1000× too large, so a joint over 10 m from its frame's centroid
 * is refused. Measured from the centroid, not the camera: a person 12 m away is plausible, a 12 m body is not.
 */
function assertMetres(set: EvalSet, path: string): void {
  const jointCount = EVAL_JOINT_COUNT[set.jointSet];
  for (const [s, sequence] of set.sequences.entries()) {
    const joints = sequence.joints3d;
    for (let f = 0; f < sequence.frameCount; f++) {
      const base = f * jointCount * 3;
      const centre = [0, 1, 2].map((axis) => {
        let sum = 0;
        for (let j = 0; j < jointCount; j++) sum += joints[base + 3 * j + axis]!;
        return sum / jointCount;
      });
      for (let j = 0; j < jointCount; j++) {
        const distance = Math.hypot(...[0, 1, 2].map((axis) => joints[base + 3 * j + axis]! - centre[axis]!));
        if (distance > MAX_BODY_RADIUS_METRES) {
          throw new BadInputFileError(
            path,
            `sequences[${s}] '${sequence.name}' joints3d frame ${f} joint ${j} is ${distance.toFixed(1)} from the body's centre: eval files hold metres and this looks like millimetres (divide by 1000)`,
          );
        }
      }
    }
  }
}

/** Writes .npz when the name ends in .npz, JSON otherwise. */
export function writeEvalFile(path: string, set: EvalSet): void {
  writeFileSync(path, isNpzPath(path) ? encodeNpz(evalSetToNpz(set)) : serializeEvalJson(set));
}

function isNpzPath(path: string): boolean {
  return path.toLowerCase().endsWith('.npz');
}

/**
 * Pairs predictions with ground truth: the same joint set, the same sequence names (any order) and
 * the same frame count per sequence, and the same fps when both state one. Returns the prediction
 * reordered to the ground truth's sequence order. Every mismatch is a BadInputFileError on the
 * prediction file that also names the ground-truth file.
 */
export function matchEvalSets(pred: LoadedEvalSet, gt: LoadedEvalSet): LoadedEvalSet {
  const fail = (problem: string): never => {
    throw new BadInputFileError(pred.path, `${problem} (ground truth: ${gt.path})`);
  };
  if (pred.jointSet !== gt.jointSet) fail(`joint set '${pred.jointSet}' differs from the ground truth's '${gt.jointSet}'`);
  if (pred.fps !== undefined && gt.fps !== undefined && pred.fps !== gt.fps) fail(`fps ${pred.fps} differs from the ground truth's ${gt.fps}`);
  const byName = new Map(pred.sequences.map((sequence) => [sequence.name, sequence]));
  const gtNames = new Set(gt.sequences.map((sequence) => sequence.name));
  const extra = pred.sequences.filter((sequence) => !gtNames.has(sequence.name)).map((sequence) => sequence.name);
  const missing = gt.sequences.filter((sequence) => !byName.has(sequence.name)).map((sequence) => sequence.name);
  if (extra.length > 0) fail(`sequence${extra.length > 1 ? 's' : ''} ${listNames(extra)} not in the ground truth`);
  if (missing.length > 0) fail(`missing sequence${missing.length > 1 ? 's' : ''} ${listNames(missing)} that the ground truth has`);
  const sequences = gt.sequences.map((gtSequence) => {
    const predSequence = byName.get(gtSequence.name)!;
    if (predSequence.frameCount !== gtSequence.frameCount) {
      fail(`sequence '${gtSequence.name}' has ${predSequence.frameCount} frames, the ground truth has ${gtSequence.frameCount}`);
    }
    return predSequence;
  });
  return { ...pred, sequences };
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 3).map((name) => `'${name}'`).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}
