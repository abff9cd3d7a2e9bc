/**
 * Where the adversarial prior's real poses come from (config `data.poseBank`): the store's pose bank
 * (AMASS clips, `hmmr import amass`) or the SMPL ground truth of the training tubes. The paper's
 * discriminator sees MoCap poses; the training tubes are the fallback when no MoCap was imported.
 */
import { BadInputFileError } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { poseBankSize, readPoseBankFrames } from '../../store/pose-bank.js';
import type { PoseBankSetting } from '../config.js';
import type { TrainingSequence } from './sequence.js';
import { PoseBank } from './windows.js';

export interface ChosenPoseBank {
  bank: PoseBank;
  source: 'store' | 'tubes';
  /** One line for the user: which poses, how many. */
  description: string;
}

/**
 * 'store' uses the pose bank (an empty one is an error: the user asked for it), 'tubes' the
 * training sequences' SMPL frames, 'auto' the store when it holds any pose, else the tubes.
 */
export function choosePoseBank(setting: PoseBankSetting, db: Db, dbPath: string, sequences: readonly TrainingSequence[]): ChosenPoseBank {
  const stored = setting === 'tubes' ? { clips: 0, frames: 0 } : poseBankSize(db);
  if (setting === 'store' && stored.frames === 0) {
    throw new BadInputFileError(dbPath, "config data.poseBank is 'store' but the pose bank is empty (hmmr import amass <folder> fills it)");
  }
  if (stored.frames > 0) {
    const bank = new PoseBank(readPoseBankFrames(db));
    return { bank, source: 'store', description: `real poses for the adversarial prior: the store's pose bank (${stored.clips} clips, ${bank.size} frames: hmmr import amass, hmmr synth --tier pose-bank)` };
  }
  const bank = new PoseBank(sequences);
  const why = setting === 'auto' ? ', the store has no pose bank' : '';
  return { bank, source: 'tubes', description: `real poses for the adversarial prior: SMPL ground truth of the training tubes (${bank.size} frames${why})` };
}
