/** The demo's defaults, apart from its runner so that the CLI can show them without loading tfjs. */
import { SHIPPED_CHECKPOINT } from '../train/checkpoint.js';
import { projectPath } from '../util/project-root.js';

export const DEMO_CLIP = projectPath('media', 'S02_tabletennis.mp4');

export const DEMO_DEFAULTS = {
  outDir: 'hmmr-demo',
  steps: 100,
  sequences: 24,
  frames: 100,
  seed: 1,
  init: SHIPPED_CHECKPOINT,
  scratchConfig: 'cpu',
  quality: 'fast',
} as const;
