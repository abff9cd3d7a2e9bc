import { InterruptedError } from '../errors.js';
import type { OrientationRefinementOptions } from '../predict/orientation-refinement.js';
import type { PoseRefinementOptions } from '../predict/pose-refinement-options.js';
import type { TestTimeOptions } from '../predict/test-time.js';
import type { Db } from '../store/database.js';
import type { TubeSplit } from '../store/tubes.js';
import { readCheckpointInfo } from '../train/checkpoint.js';
import { modelKind } from '../train/config.js';
import type { SmplFiles } from '../body/smpl-files.js';
import { meshErrorRow, planMeshError } from './mesh-error.js';
import { predictEvalSet } from './predict-eval-set.js';
import { evaluatePredictions } from './evaluate.js';
import { approximateJointsCaveat, readGroundTruthEvalSet } from './ground-truth-set.js';
import { evaluateCheckpointDynamics, type DynamicsOutcome } from './predict-dynamics.js';
import type { EvalReport } from './report.js';

export interface CheckpointEvalOptions extends TestTimeOptions {
  backend?: string;
  /** Also the single-frame dynamics table (default true). */
  dynamics?: boolean;
  /** Only tubes whose name starts with this, e.g. '3dpw/': one dataset of a split that mixes frame rates. */
  namePrefix?: string;
  signal?: AbortSignal;
  /** The user's SMPL models: adds the PVE row where the ground truth has a mesh (see mesh-error.ts). */
  smpl?: SmplFiles;
  /** A line per stage, for progress output. */
  onStage?: (message: string) => void;
}

/** What `hmmr eval --checkpoint` reports (its --json form, and the demo's eval report file). */
export interface CheckpointEvaluation {
  checkpoint: string;
  step: number;
  config: string;
  split: TubeSplit;
  /** The tube-name filter ('' = every mocap3d tube of the split). */
  namePrefix: string;
  report: EvalReport;
  /** Absent when not asked for. */
  dynamics?: DynamicsOutcome;
  /** A protocol caveat of the ground truth, e.g. approximate 3DPW joints. */
  caveat?: string;
  /** Which sequences follow 3DPW's published joint protocol (joints regressed from the gendered mesh). */
  protocol?: string;
  /** Whether the predictions were averaged with those of the mirrored tubes before scoring; absent: not. */
  flipAverage?: true;
  /** The pose fit the predictions went through before scoring; absent: none. */
  refinePose?: PoseRefinementOptions;
  /** The orientation refinement the predictions went through before scoring; absent: none. */
  refineOrientation?: OrientationRefinementOptions;
}

/**
 * `hmmr eval --checkpoint`: the checkpoint's temporal predictions for every mocap3d tube of the
 * split against the database's ground truth (the same table as the file mode), then the dynamics
 * table from single frames through the hallucinator.
 */
export async function evaluateCheckpoint(db: Db, dbPath: string, checkpoint: string, split: TubeSplit, options: CheckpointEvalOptions = {}): Promise<CheckpointEvaluation> {
  const info = readCheckpointInfo(checkpoint);
  const namePrefix = options.namePrefix ?? '';
  const gt = readGroundTruthEvalSet(db, dbPath, split, namePrefix);
  // Checked before predicting: a refusal should not cost a prediction pass.
  const meshPlan = options.smpl ? planMeshError(db, gt, options.smpl, { dir: info.dir, bodyModel: info.config.bodyModel }) : undefined;
  options.onStage?.(`predicting ${gt.sequences.length} ${split} sequences${namePrefix ? ` named ${namePrefix}*` : ''} with ${info.dir} (step ${info.step})`);
  const pred = await predictEvalSet(db, dbPath, info.dir, split, { backend: options.backend, signal: options.signal, namePrefix, flipAverage: options.flipAverage, refinePose: options.refinePose, refineOrientation: options.refineOrientation });
  if (options.signal?.aborted) throw new InterruptedError();
  const report = evaluatePredictions(pred, gt);
  if (meshPlan) {
    options.onStage?.('PVE: posing the ground-truth and predicted meshes');
    const onSequence = (done: number, total: number) => options.onStage?.(`PVE: ${done}/${total} sequences`);
    report.rows.push(meshErrorRow(db, dbPath, gt, pred.thetas, meshPlan, { signal: options.signal, onSequence }));
  }
  const evaluation: CheckpointEvaluation = { checkpoint: info.dir, step: info.step, config: info.config.name, split, namePrefix, report };
  if (options.flipAverage) evaluation.flipAverage = true;
  if (options.refinePose) evaluation.refinePose = options.refinePose;
  if (options.refineOrientation) evaluation.refineOrientation = options.refineOrientation;
  if (gt.approximateJointTubes.length > 0) evaluation.caveat = approximateJointsCaveat(gt.approximateJointTubes.length, gt.sequences.length);
  if (gt.meshRegressedJointTubes.length > 0) {
    evaluation.protocol = `standard protocol: ${gt.meshRegressedJointTubes.length} of ${gt.sequences.length} sequences have LSP-14 regressed with J_regressor_h36m from the gendered SMPL mesh; predictions are the checkpoint's own LSP-14`;
  }
  if (modelKind(info.config) === 'vp3d') {
    // Joints from 2D keypoint sequences: no hallucinator, so no single-frame dynamics.
    if (options.dynamics ?? true) evaluation.dynamics = { skipped: `config '${info.config.name}' is a VideoPose3D lifter: it has no hallucinator, so single-frame past/future cannot be predicted` };
  } else if (options.dynamics ?? true) {
    const { hallucinator, deltaHeads, deltaFrames } = info.config.model;
    if (hallucinator && deltaHeads) options.onStage?.(`dynamics: hallucinating ±${deltaFrames}-frame poses from single frames`);
    evaluation.dynamics = await evaluateCheckpointDynamics(db, dbPath, info.dir, split, { backend: options.backend, signal: options.signal, namePrefix, flipAverage: options.flipAverage });
    if (options.signal?.aborted) throw new InterruptedError();
  }
  return evaluation;
}
