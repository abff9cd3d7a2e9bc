/** Every dataset `hmmr import` reads, by name. Add a dataset with one entry here. */
import { amassFormat } from './amass.js';
import type { DatasetFormat } from './dataset-format.js';
import { h36mFormat } from './h36m.js';
import { pennActionFormat } from './pennaction.js';
import { poseTrackFormat } from './posetrack.js';
import { threeDpwFormat } from './threedpw.js';

export const DATASET_FORMATS: Readonly<Record<string, DatasetFormat>> = {
  '3dpw': threeDpwFormat,
  h36m: h36mFormat,
  pennaction: pennActionFormat,
  posetrack: poseTrackFormat,
  amass: amassFormat,
};
