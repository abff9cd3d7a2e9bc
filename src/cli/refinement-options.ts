/**
 * `--refine-orientation` and `--refine-window`, shared by `hmmr predict` and `hmmr eval --checkpoint`:
 * the test-time fit of each predicted body's global rotation to its tube's 2D keypoints
 * (src/predict/orientation-refinement.ts).
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { DEFAULT_ORIENTATION_REFINEMENT, type OrientationRefinementOptions } from '../predict/orientation-refinement.js';

export interface RefinementArgs {
  refineOrientation: boolean;
  refineWindow: number;
}

/** Adds the two flags (their values reach the handler as RefinementArgs). */
export function withRefinementOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
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

/** The refinement the flags ask for, or undefined when --refine-orientation is off. */
export function orientationRefinement(args: RefinementArgs): OrientationRefinementOptions | undefined {
  if (!(Number.isInteger(args.refineWindow) && args.refineWindow >= 0)) throw new UsageError(`--refine-window must be a whole number of frames ≥ 0, not ${args.refineWindow}`);
  if (!args.refineOrientation) return undefined;
  return { ...DEFAULT_ORIENTATION_REFINEMENT, halfWindow: args.refineWindow };
}
