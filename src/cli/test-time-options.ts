/**
 * The test-time flags shared by `hmmr predict` and `hmmr eval --checkpoint`: `--flip-average` (also
 * predict the mirrored tube and average, src/predict/flip-averaging.ts), and `--refine-orientation`
 * with `--refine-window` (fit each predicted body's global rotation to its tube's 2D keypoints,
 * src/predict/orientation-refinement.ts).
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { DEFAULT_ORIENTATION_REFINEMENT } from '../predict/orientation-refinement.js';
import type { TestTimeOptions } from '../predict/test-time.js';

export interface TestTimeArgs {
  flipAverage: boolean;
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
  const options: TestTimeOptions = {};
  if (args.flipAverage) options.flipAverage = true;
  if (args.refineOrientation) options.refineOrientation = { ...DEFAULT_ORIENTATION_REFINEMENT, halfWindow: args.refineWindow };
  return options;
}
