/**
 * 3DPW's published ground truth from the user's SMPL files (hmmr import 3dpw --smpl): each actor is
 * posed with the SMPL model of their gender (3DPW `genders` 'm'/'f'; the neutral model when that
 * file is missing, reported), and with J_regressor_h36m the 14 evaluation joints are regressed from
 * that mesh (SPIN's H36M_TO_J14 rows), as the literature scores 3DPW. Joints come out in the camera
 * frame like the approximate ones: posed with the camera-frame root orientation, then moved so the
 * body sits where R·(world pose + trans) + t puts it.
 */
import { LbsBodyModel } from '../body/lbs.js';
import { loadBodyModelFile } from '../body/load.js';
import { LSP14_H36M_SET, lsp14RegressorRows, type H36mRegressor } from '../body/h36m-regressor.js';
import { LSP_JOINT_COUNT, SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from '../body/joint-sets.js';
import { chooseSmplFile, SMPL_GENDERS, type ChosenSmplFile, type SmplFiles, type SmplGender } from '../body/smpl-files.js';
import * as tf from '../tf/tf.js';

/** Frames posed per tfjs call: bounds memory on long sequences. */
const FRAMES_PER_BATCH = 512;

/** One actor's motion as 3DPW stores it, with the per-frame world→camera transform. */
export interface CameraFrameMotion {
  frameCount: number;
  /** N × 72, root orientation already rotated into the camera frame. */
  poses: Float32Array;
  /** 10 shape values. */
  betas: Float32Array;
  /** N × 3 world translation of the SMPL origin (3DPW `trans`). */
  trans: ArrayLike<number>;
  /** N × 9 row-major world→camera rotations. */
  rotations: ArrayLike<number>;
  /** N × 3 world→camera translations. */
  translations: ArrayLike<number>;
}

/** The user's SMPL models (loaded on first use, one per file) and, optionally, the Human3.6M regressor. */
export class ThreeDpwSmpl {
  private readonly models = new Map<string, LbsBodyModel>();

  constructor(
    readonly files: SmplFiles,
    readonly regressor: H36mRegressor | undefined,
  ) {}

  /** The file and model a body of `gender` is posed with; a missing file is a BadInputFileError naming it. */
  modelFor(gender: SmplGender, whose: string): { chosen: ChosenSmplFile; model: LbsBodyModel } {
    const chosen = chooseSmplFile(this.files, gender, whose);
    let model = this.models.get(chosen.path);
    if (!model) {
      const data = loadBodyModelFile(chosen.path);
      if (this.regressor) {
        const rows = lsp14RegressorRows(this.regressor, data.vertexCount, chosen.path);
        data.keypointRegressors = new Map([...data.keypointRegressors, [LSP14_H36M_SET, { count: LSP_JOINT_COUNT, weights: rows }]]);
      }
      model = new LbsBodyModel(data);
      this.models.set(chosen.path, model);
    }
    return { chosen, model };
  }

  /** Loads one model now, so a regressor that does not fit the models fails once, naming it, before any sequence. */
  checkRegressorFits(): void {
    const gender = SMPL_GENDERS.find((candidate) => this.files.byGender[candidate] !== undefined);
    if (this.regressor && gender) this.modelFor(gender, `the ${gender} model`);
  }

  /**
   * LSP-14 regressed from the posed mesh, camera frame, N × 14 × 3. The model is posed about its
   * root joint J₀ (which the root rotation leaves in place), so the camera-frame body is the posed
   * one moved by R·(J₀ + trans) + t − J₀.
   */
  cameraFrameLsp14(model: LbsBodyModel, motion: CameraFrameMotion): Float32Array {
    if (!this.regressor) throw new Error('cameraFrameLsp14 needs the Human3.6M regressor');
    const { frameCount, poses, betas, trans, rotations, translations } = motion;
    const out = new Float32Array(frameCount * LSP_JOINT_COUNT * 3);
    for (let start = 0; start < frameCount; start += FRAMES_PER_BATCH) {
      const n = Math.min(FRAMES_PER_BATCH, frameCount - start);
      const [keypoints, roots] = tf.tidy(() => {
        const pose = tf.tensor2d(poses.subarray(start * SMPL_POSE_SIZE, (start + n) * SMPL_POSE_SIZE), [n, SMPL_POSE_SIZE]);
        const shape = tf.tile(tf.tensor2d(betas, [1, SMPL_SHAPE_SIZE]), [n, 1]) as tf.Tensor2D;
        const posed = model.posedKeypoints(pose, shape, LSP14_H36M_SET);
        return [posed.keypoints, tf.slice(posed.joints, [0, 0, 0], [n, 1, 3])];
      });
      const keypointValues = keypoints.dataSync();
      const rootValues = roots.dataSync();
      keypoints.dispose();
      roots.dispose();
      for (let i = 0; i < n; i++) {
        const f = start + i;
        const root = [0, 1, 2].map((a) => rootValues[i * 3 + a]!);
        const body = [0, 1, 2].map((a) => root[a]! + Number(trans[f * 3 + a]));
        const shift = [0, 1, 2].map(
          (r) => Number(rotations[f * 9 + r * 3]) * body[0]! + Number(rotations[f * 9 + r * 3 + 1]) * body[1]! + Number(rotations[f * 9 + r * 3 + 2]) * body[2]! + Number(translations[f * 3 + r]) - root[r]!,
        );
        for (let j = 0; j < LSP_JOINT_COUNT; j++) {
          for (let a = 0; a < 3; a++) out[(f * LSP_JOINT_COUNT + j) * 3 + a] = keypointValues[(i * LSP_JOINT_COUNT + j) * 3 + a]! + shift[a]!;
        }
      }
    }
    return out;
  }

  dispose(): void {
    for (const model of this.models.values()) model.dispose();
    this.models.clear();
  }
}
