/** Human3.6M's protocol as data: joint orders, frame rate, subject split. */
import { BadInputFileError } from '../errors.js';
import type { TubeSplit } from '../store/tubes.js';

/** VideoPose3D's 17 joints as indices into the 32 mocap joints (its remove_joints keeps these). */
export const H36M17_FROM_MOCAP32 = [0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27];

/** The 17-joint order lives with the other joint sets (the store and eval read it too). */
export { H36M17_JOINT_COUNT, LSP14_FROM_H36M17 } from '../body/joint-sets.js';

export const H36M_FPS = 50;
const TRAIN_SUBJECTS = new Set([1, 5, 6, 7, 8]);
const TEST_SUBJECTS = new Set([9, 11]);

/** The protocol split of subject 'S9' (or '9'). */
export function h36mSplit(subject: string, file: string): TubeSplit {
  const number = Number(/^S?(\d+)$/.exec(subject)?.[1]);
  if (TRAIN_SUBJECTS.has(number)) return 'train';
  if (TEST_SUBJECTS.has(number)) return 'test';
  throw new BadInputFileError(file, `subject '${subject}' is not a Human3.6M subject (S1, S5-S9, S11)`);
}
