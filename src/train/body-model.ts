import { LbsBodyModel } from '../body/lbs.js';
import { bodyModelPath, loadBodyModelFile } from '../body/load.js';

/** 'standin' (hmmr's shipped model) or a path to a user-supplied SMPL .npz/.json → a body model on the current backend. */
export function loadTrainingBodyModel(spec: string): LbsBodyModel {
  return new LbsBodyModel(loadBodyModelFile(bodyModelPath(spec)));
}
