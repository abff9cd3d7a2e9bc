/**
 * The test-time flags shared by `hmmr predict` and `hmmr eval --checkpoint`: `--flip-average` (also
 * predict the mirrored tube and average, src/predict/flip-averaging.ts), `--refine-pose` with
 * `--refine-pose-steps` (fit each predicted pose to its tube's 2D keypoints near the network's,
 * src/predict/pose-refinement.ts), and `--refine-orientation`
 * with `--refine-window` (fit each predicted body's global rotation to its tube's 2D keypoints,
 * src/predict/orientation-refinement.ts).
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { DEFAULT_ORIENTATION_REFINEMENT } from '../predict/orientation-refinement.js';
import { DEFAULT_POSE_REFINEMENT } from '../predict/pose-refinement-options.js';
import type { TestTimeOptions } from '../predict/test-time.js';

export interface TestTimeArgs {
  flipAverage: boolean;
  refinePose: boolean;
  refinePoseSteps: number;
  refineOrientation: boolean;
  refineWindow: number;
}

/** Adds the flags (their values reach the handler as TestTimeArgs). */
export function withTestTimeOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('flip-average', {
      type: 'boolean',
      default: false,
      describe: 'also predict each tube mirrored left to right, mirror that back and average the two (test-time flip augmentation; twice the prediction time), docs/training.md',
    })
    .option('refine-pose', {
      type: 'boolean',
      default: false,
      describe: "fit each predicted body's pose and camera to its tube's 2D keypoints, kept near the network's pose and smooth in time (a test-time fit; shape is kept), docs/training.md",
    })
    .option('refine-pose-steps', {
      type: 'number',
      default: DEFAULT_POSE_REFINEMENT.iterations,
      describe: 'with --refine-pose: optimiser steps per tube (the cost grows with them)',
    })
    .option('refine-orientation', {
      type: 'boolean',
      default: false,
      describe: "turn each predicted body to fit its tube's 2D keypoints (a test-time fit of the global rotation and camera; pose and shape are kept), docs/training.md",
    })
    .option('refine-window', {
      type: 'number',
      default: DEFAULT_ORIENTATION_REFINEMENT.halfWindow,
      describe: 'with --refine-orientation: frames on each side whose fitted rotations are averaged',
    }) as unknown as Argv<T>;
}

/** What the flags ask for; an option that is off is absent. */
export function testTimeOptions(args: TestTimeArgs): TestTimeOptions {
  if (!(Number.isInteger(args.refineWindow) && args.refineWindow >= 0)) throw new UsageError(`--refine-window must be a whole number of frames ≥ 0, not ${args.refineWindow}`);
  if (!(Number.isInteger(args.refinePoseSteps) && args.refinePoseSteps >= 1)) throw new UsageError(`--refine-pose-steps must be a whole number ≥ 1, not ${args.refinePoseSteps}`);
  const options: TestTimeOptions = {};
  if (args.flipAverage) options.flipAverage = true;
  if (args.refinePose) options.refinePose = { ...DEFAULT_POSE_REFINEMENT, iterations: args.refinePoseSteps };
  if (args.refineOrientation) options.refineOrientation = { ...DEFAULT_ORIENTATION_REFINEMENT, halfWindow: args.refineWindow };
  return options;
}
