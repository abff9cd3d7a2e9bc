/**
 * The VideoPose3D lifter's configuration (Pavllo et al., CVPR 2019; facebookresearch/VideoPose3D
 * run.py defaults where they exist). A TrainConfig with a `vp3d` section trains this model instead
 * of HMMR; the shared sections still apply: `optim` (Adam rate, warm-up, decay), `data.batchSize`
 * (chunks per step), `data.flipProbability`, `data.visibilityThreshold`, `schedule`.
 */
export interface Vp3dConfig {
  /** Kernel widths of the expand conv and each residual block; dilations are their running product (1, 3, 9, 27, 81). */
  filterWidths: number[];
  /** Conv channels (the paper's 1024; 256 trains on a CPU). */
  channels: number;
  /** Dropout after every ReLU, training only (paper 0.25). */
  dropoutRate: number;
  /** Batch-norm running-statistics momentum (paper 0.1). */
  batchNormMomentum: number;
  /** Each output sees only its own and earlier frames (online use): the receptive field ends at the predicted frame. */
  causal: boolean;
  /**
   * Output frames per training chunk. > 1: the dilated model runs over the chunk plus its receptive
   * field (the paper's training on sequence chunks, one pass for all their frames); 1: one frame per
   * sample through the equivalent strided model (the paper's TemporalModelOptimized1f).
   */
  chunkFrames: number;
  /** Back-projection on 2D-only tubes: predicted 3D + trajectory projected back onto their 2D keypoints, plus the bone-length term. */
  semiSupervised: boolean;
  /** Steps trained on the 3D tubes alone before the 2D-only tubes join (the paper's warm-up epoch). */
  semiWarmupSteps: number;
  /**
   * Share of the selected tubes with 3D ground truth whose 3D is used (a seeded draw per run seed);
   * the others train as 2D-only tubes. 1 in normal use; the semi-supervised protocol sets e.g. 0.1.
   */
  threeDFraction: number;
  loss: Vp3dLossWeights;
}

export interface Vp3dLossWeights {
  /** MPJPE of the root-relative 3D joints (metres), 3D tubes. */
  joints: number;
  /** Trajectory (weak-perspective scale and the root's crop position), 3D tubes. */
  trajectory: number;
  /** 2D MPJPE of the back-projection onto the visible keypoints (normalised crop units), 2D-only tubes. */
  reprojection: number;
  /** Mean |bone length| difference between the 3D batch's predictions and the 2D-only batch's (metres). */
  boneLength: number;
}

/** 1 + Σ (wᵢ − 1)·dilationᵢ: 27, 81, 243 for three, four, five widths of 3. */
export function receptiveField(filterWidths: readonly number[]): number {
  let field = 1;
  let dilation = 1;
  for (const width of filterWidths) {
    field += (width - 1) * dilation;
    dilation *= width;
  }
  return field;
}

/** The preset section for three, four or five blocks of kernel 3. */
export function vp3dPresetSection(blocks: 3 | 4 | 5): Vp3dConfig {
  return {
    filterWidths: Array.from({ length: blocks }, () => 3),
    channels: 256,
    dropoutRate: 0.25,
    batchNormMomentum: 0.1,
    causal: false,
    chunkFrames: 32,
    semiSupervised: true,
    semiWarmupSteps: 100,
    threeDFraction: 1,
    loss: { joints: 1, trajectory: 1, reprojection: 1, boneLength: 1 },
  };
}

/** Range checks, errors naming the key (called from validateTrainConfig). */
export function validateVp3dConfig(config: Vp3dConfig, fail: (reason: string) => never): void {
  const positiveInt = (value: number, key: string): void => {
    if (!Number.isInteger(value) || value <= 0) fail(`'vp3d.${key}' must be a positive integer, got ${value}`);
  };
  if (!Array.isArray(config.filterWidths) || config.filterWidths.length === 0) fail(`'vp3d.filterWidths' must be a non-empty array of odd integers`);
  for (const width of config.filterWidths) {
    if (!Number.isInteger(width) || width < 1 || width % 2 === 0) fail(`'vp3d.filterWidths' must hold odd positive integers, got ${JSON.stringify(config.filterWidths)}`);
  }
  positiveInt(config.channels, 'channels');
  positiveInt(config.chunkFrames, 'chunkFrames');
  if (!(config.dropoutRate >= 0 && config.dropoutRate < 1)) fail(`'vp3d.dropoutRate' must be in [0, 1), got ${config.dropoutRate}`);
  if (!(config.batchNormMomentum > 0 && config.batchNormMomentum <= 1)) fail(`'vp3d.batchNormMomentum' must be in (0, 1], got ${config.batchNormMomentum}`);
  if (!(config.threeDFraction > 0 && config.threeDFraction <= 1)) fail(`'vp3d.threeDFraction' must be in (0, 1], got ${config.threeDFraction}`);
  if (!Number.isInteger(config.semiWarmupSteps) || config.semiWarmupSteps < 0) fail(`'vp3d.semiWarmupSteps' must be an integer ≥ 0, got ${config.semiWarmupSteps}`);
  for (const [key, value] of Object.entries(config.loss)) {
    if (!Number.isFinite(value) || value < 0) fail(`'vp3d.loss.${key}' must be a finite number ≥ 0, got ${value}`);
  }
}
