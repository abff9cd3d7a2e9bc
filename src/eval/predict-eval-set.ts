import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { projectToCrop } from '../body/weak-perspective.js';
import { BadInputFileError } from '../errors.js';
import { predictTubes } from '../predict/run-predict.js';
import type { TestTimeOptions } from '../predict/test-time.js';
import type { Db } from '../store/database.js';
import { THETA_SIZE } from '../train/theta.js';
import type { LoadedEvalSet } from './eval-file.js';
import type { EvalSequence } from './eval-set.js';

export interface PredictedEvalSet extends LoadedEvalSet {
  /** Per sequence name, the predicted Θ of every frame (frames × THETA_SIZE), for mesh errors. */
  thetas: Map<string, Float32Array>;
}

/**
 * The checkpoint's predictions for the mocap3d tubes of a split as an eval set (sequence name =
 * tube name, as src/eval/ground-truth-set.ts names the ground truth): 3D joints, and 2D joints in
 * crop pixels through each frame's predicted camera, for PCK. `namePrefix` keeps only tubes whose
 * name starts with it (one dataset of a split).
 */
export async function predictEvalSet(
  db: Db,
  dbPath: string,
  checkpoint: string,
  split: 'train' | 'val' | 'test',
  options: TestTimeOptions & { backend?: string; signal?: AbortSignal; namePrefix?: string } = {},
): Promise<PredictedEvalSet> {
  const filter = { tier: 'mocap3d' as const, split, withoutRejected: true, namePrefix: options.namePrefix };
  const run = await predictTubes({ db, dbPath, checkpoint, filter, backend: options.backend, signal: options.signal, flipAverage: options.flipAverage, refinePose: options.refinePose, refineOrientation: options.refineOrientation });
  if (run.tubes.length === 0) throw new BadInputFileError(dbPath, `no mocap3d tubes${options.namePrefix ? ` named ${options.namePrefix}*` : ''} in the ${split} split`);
  const sequences = run.tubes.map((tube): EvalSequence => {
    const cameras = new Float32Array(tube.frameCount * 3);
    for (let f = 0; f < tube.frameCount; f++) cameras.set(tube.theta.subarray(f * THETA_SIZE, f * THETA_SIZE + 3), f * 3);
    return {
      name: tube.name,
      frameCount: tube.frameCount,
      joints3d: Float64Array.from(tube.joints3d),
      joints2d: projectToCrop(tube.joints3d, cameras, LSP_JOINT_COUNT),
    };
  });
  return { path: run.checkpointDir, fps: run.tubes[0]!.fps, jointSet: 'lsp14', sequences, thetas: new Map(run.tubes.map((tube) => [tube.name, tube.theta])) };
}
