import { readFileSync } from 'node:fs';
import { BadInputFileError } from '../errors.js';
import { validateVp3dConfig, vp3dPresetSection, type Vp3dConfig } from './vp3d/config.js';

/**
 * HMMR training configuration as plain objects (spec B1/B2 numbers; VideoPose3D-style presets).
 * A preset is named on the command line (`--config cpu`) or a JSON file overrides one:
 * `{ "extends": "cpu", "model": { "width": 256 }, "optim": { "encoderLr": 1e-4 } }`.
 */
export interface ModelConfig {
  /** Width of the per-frame feature φ and of the movie strip Φ (2048 in the paper). */
  width: number;
  /** Temporal encoder on; off gives the single-frame ablation (Φ = φ). */
  temporal: boolean;
  /** Residual blocks in the temporal encoder (3 → receptive field 13 frames). */
  encoderBlocks: number;
  groupNormGroups: number;
  groupNormEpsilon: number;
  /** Hidden width of the iterative regressors f_3D and f_Δt. */
  iefHidden: number;
  iefIterations: number;
  dropoutRate: number;
  /** f_Δt heads for the past and the future. */
  deltaHeads: boolean;
  /** |Δt| in frames (5 = ±0.2 s at 25 fps). */
  deltaFrames: number;
  /** The hallucinator φ → Φ̂ (trained through f_3D and f_Δt as in the paper). */
  hallucinator: boolean;
  hallucinatorHidden: number;
  discriminatorJointChannels: number;
  discriminatorHidden: number;
  /**
   * The pose prior: the adversarial discriminator (the paper's), −log p(θ) under a trained
   * normalizing flow (`flow.path`, Zanfir et al. 2020), or both terms side by side.
   */
  prior: PosePrior;
}

export const POSE_PRIORS = ['adversarial', 'flow', 'both'] as const;
export type PosePrior = (typeof POSE_PRIORS)[number];

/** The flow pose prior's weights, when `model.prior` is 'flow' or 'both'. */
export interface FlowPriorConfig {
  /** A prior folder written by `hmmr prior train` (relative paths: from the working directory). */
  path: string;
}

/** Loss weights (spec B2); each weighted term is logged under the same name. */
export interface LossWeights {
  kp: number;
  joints: number;
  smpl: number;
  const: number;
  shape: number;
  advEncoder: number;
  advDiscriminator: number;
  hallucinate: number;
  deltaKp: number;
  deltaJoints: number;
  deltaSmpl: number;
  halKp: number;
  halJoints: number;
  halSmpl: number;
  /** Weight of −log p(θ) (nats per pose) under the flow prior. */
  flowPrior: number;
}

export interface OptimConfig {
  /**
   * Adam learning rates. 1e-5 (encoder) and 1e-4 (discriminator) are the paper's rates, which
   * fine-tune from HMR's pretrained regressor; a from-scratch run on a small data set usually
   * wants a higher encoder rate (the `tiny` preset uses 1e-3).
   */
  encoderLr: number;
  discriminatorLr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Steps over which both learning rates rise linearly from 0 (0: no warm-up). */
  warmupSteps: number;
  /** After the warm-up: 'constant', or 'cosine' down to finalLrFraction × the rate at the run's last step. */
  decay: LearningRateDecay;
  /** The cosine decay's end point as a fraction of the base rate. */
  finalLrFraction: number;
  /** The encoder gradient's global L2 norm is scaled down to this before Adam (0: no clipping). */
  gradClipNorm: number;
}

export const LEARNING_RATE_DECAYS = ['constant', 'cosine'] as const;
export type LearningRateDecay = (typeof LEARNING_RATE_DECAYS)[number];

/** Real poses of the adversarial prior: the store's pose bank (AMASS), the training tubes' SMPL, or the store when it has any. */
export const POSE_BANK_SETTINGS = ['auto', 'store', 'tubes'] as const;
export type PoseBankSetting = (typeof POSE_BANK_SETTINGS)[number];

export interface DataConfig {
  /** Window length T in frames. */
  windowFrames: number;
  /** Sequences per optimiser step. */
  batchSize: number;
  /**
   * Sequences per forward/backward pass; gradients of batchSize/microBatch passes are summed
   * before one optimiser step. Smaller values bound the activation memory at large widths.
   */
  microBatch: number;
  flipProbability: number;
  /** Half 3D, half 2D sequences per batch when both kinds exist (HD split_balanced). */
  balanceTiers: boolean;
  /** Keypoints with confidence below this are invisible (OpenPose logit threshold, spec B2). */
  visibilityThreshold: number;
  /**
   * Windows may start up to the temporal encoder's half receptive field before a tube's first frame
   * and end as far past its last, those frames being blank padding, as prediction pads tube ends
   * (see predict.ts planWindows); off: every window lies inside its tube.
   */
  padEnds: boolean;
  /**
   * Share of the training tubes with 3D ground truth held out for validation when the selected
   * tiers have no `val` split tubes (0: none held out, validation then needs `val` tubes).
   */
  validationFraction: number;
  /** Where the discriminator's real poses come from (train/data/real-poses.ts). */
  poseBank: PoseBankSetting;
  /**
   * Share of the training tubes whose 3D ground truth is used (1: all); the rest train from their
   * 2D keypoints only, the weakly supervised setting. Their poses still feed the discriminator's
   * bank, unpaired, as MoCap would.
   */
  groundTruthFraction: number;
}

export interface ScheduleConfig {
  steps: number;
  logEvery: number;
  checkpointEvery: number;
  keepCheckpoints: number;
  /** Steps between validations (MPJPE on the validation tubes; the best is kept in best/); 0: never. */
  validateEvery: number;
  /** Stop after this many validations in a row without a new best; 0: never stop early. */
  earlyStopPatience: number;
  /**
   * Which validation score picks the best checkpoint (and counts for early stopping); default mpjpe.
   * pa_mpjpe ignores the global rotation, which a keypoint-only model learns far more slowly than
   * the pose (docs/results.md, Tables 2 and 5 at 2000 steps).
   */
  bestMetric: BestMetric;
}

export const BEST_METRICS = ['mpjpe', 'pa_mpjpe'] as const;
export type BestMetric = (typeof BEST_METRICS)[number];

export interface TrainConfig {
  name: string;
  /** Per-frame feature extractor: 'keypoints' or 'onnx:<model.onnx>'. */
  features: string;
  /** 'standin' (shipped) or a path to a user-supplied SMPL .npz/.json. */
  bodyModel: string;
  model: ModelConfig;
  loss: LossWeights;
  optim: OptimConfig;
  data: DataConfig;
  schedule: ScheduleConfig;
  flow: FlowPriorConfig;
  /** Present: the VideoPose3D lifter (src/train/vp3d) instead of HMMR; `model` and `loss` then go unused. */
  vp3d?: Vp3dConfig;
}

export type ModelKind = 'hmmr' | 'vp3d';

/** Which network a config (and so a checkpoint) trains and predicts with. */
export function modelKind(config: TrainConfig): ModelKind {
  return config.vp3d ? 'vp3d' : 'hmmr';
}

const paperLoss: LossWeights = {
  kp: 60,
  joints: 60,
  smpl: 60,
  const: 1,
  shape: 1,
  advEncoder: 1,
  advDiscriminator: 1,
  hallucinate: 1,
  deltaKp: 60,
  deltaJoints: 60,
  deltaSmpl: 60,
  halKp: 60,
  halJoints: 60,
  halSmpl: 60,
  // Not tuned: at 0.01 the flow term's gradient on a pose is of the order of the adversarial term's.
  flowPrior: 0.01,
};

const paper: TrainConfig = {
  name: 'paper',
  features: 'keypoints',
  bodyModel: 'standin',
  model: {
    width: 2048,
    temporal: true,
    encoderBlocks: 3,
    groupNormGroups: 32,
    groupNormEpsilon: 1e-6,
    iefHidden: 1024,
    iefIterations: 3,
    dropoutRate: 0.5,
    deltaHeads: true,
    deltaFrames: 5,
    hallucinator: true,
    hallucinatorHidden: 2048,
    discriminatorJointChannels: 32,
    discriminatorHidden: 1024,
    prior: 'adversarial',
  },
  loss: paperLoss,
  // The paper trains at constant rates without clipping.
  optim: { encoderLr: 1e-5, discriminatorLr: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, warmupSteps: 0, decay: 'constant', finalLrFraction: 1, gradClipNorm: 0 },
  // Two micro-batches of 4: on the wasm backend (4 GB heap, never shrinks) the paper width peaked
  // at 3.2 GB with all 8 sequences in one pass and 2.5 GB with 2 per pass (measured).
  data: { windowFrames: 20, batchSize: 8, microBatch: 4, flipProbability: 0.5, balanceTiers: true, visibilityThreshold: 0.1, padEnds: true, validationFraction: 0.1, poseBank: 'auto', groundTruthFraction: 1 },
  schedule: { steps: 100_000, logEvery: 10, checkpointEvery: 500, keepCheckpoints: 3, validateEvery: 1000, earlyStopPatience: 0, bestMetric: 'mpjpe' },
  flow: { path: '' },
};

const cpu: TrainConfig = {
  ...paper,
  name: 'cpu',
  model: { ...paper.model, width: 512, hallucinatorHidden: 512 },
  // The paper's encoder rate (1e-5) fine-tunes a pretrained HMR regressor; hmmr trains from scratch,
  // where 1e-5 barely moves in a few hundred steps (100 single-frame steps on synthetic data:
  // PA-MPJPE 131.8 mm at 1e-5, 119.4 at 1e-4, 125.4 at 1e-3; docs/results.md).
  // From scratch: a short warm-up keeps the first Adam steps (whose moment estimates are poor)
  // from throwing the random regressor around, the cosine decay settles it at the end, and the clip
  // is a guard against spikes, above the norms seen so far (measured with the 3D weights below:
  // 1342 at this preset's first step, 150–250 at width 128 after 10–20 steps); not tuned further.
  optim: { ...paper.optim, encoderLr: 1e-4, warmupSteps: 20, decay: 'cosine', finalLrFraction: 0.05, gradClipNorm: 1000 },
  // The 3D joint terms ×10 (issue 10): at the paper's 60 on 0.5·MSE in m², the 3D terms are a small
  // part of the objective next to the 2D term and the adversarial one, and the 2D term cannot tell a
  // body facing the camera from one facing away, so from scratch many side and back views settled
  // in the mirrored (front/back) pose. 600 (measured on the synthetic benchmark, docs/results.md)
  // removes nearly all of those flips. The paper's weights suited fine-tuning a pretrained HMR.
  loss: { ...paperLoss, joints: 600, deltaJoints: 600, halJoints: 600 },
  data: { ...paper.data, microBatch: 8 },
  schedule: { ...paper.schedule, validateEvery: 50 },
};

const singleFrame: TrainConfig = {
  ...cpu,
  name: 'single-frame',
  model: { ...cpu.model, temporal: false, deltaHeads: false, hallucinator: false },
};

/**
 * The shipped checkpoint's preset (models/hmmr-embedded, made by scripts/train-embedded.sh): the cpu
 * preset at half width with a smaller regressor and discriminator, so its weights (3.3 M float32,
 * 13 MB without Adam's moments) fit in git and a demo fine-tune step stays well under a second.
 */
const embedded: TrainConfig = {
  ...cpu,
  name: 'embedded',
  model: { ...cpu.model, width: 256, iefHidden: 512, hallucinatorHidden: 256, discriminatorHidden: 256 },
  schedule: { ...cpu.schedule, validateEvery: 100, keepCheckpoints: 2 },
};

const tiny: TrainConfig = {
  ...paper,
  name: 'tiny',
  model: {
    ...paper.model,
    width: 32,
    groupNormGroups: 8,
    iefHidden: 32,
    dropoutRate: 0,
    hallucinatorHidden: 32,
    discriminatorJointChannels: 8,
    discriminatorHidden: 32,
  },
  optim: { ...paper.optim, encoderLr: 1e-3, discriminatorLr: 1e-3 },
  // No validation: test runs train on a handful of tubes and keep all of them.
  data: { ...paper.data, batchSize: 4, microBatch: 4, validationFraction: 0 },
  schedule: { steps: 200, logEvery: 10, checkpointEvery: 50, keepCheckpoints: 2, validateEvery: 0, earlyStopPatience: 0, bestMetric: 'mpjpe' },
};

/**
 * VideoPose3D lifters with receptive fields of 27, 81 and 243 frames. The paper's Adam rate 1e-3
 * (its per-epoch ×0.95 decay becomes the cosine down to 5 %), batches of 8 chunks of 32 frames from
 * the 3D tubes (and as many from the 2D-only ones), no validation (HMMR's validation pass).
 */
function vp3dPreset(name: string, blocks: 3 | 4 | 5): TrainConfig {
  return {
    ...cpu,
    name,
    optim: { ...cpu.optim, encoderLr: 1e-3, warmupSteps: 0, gradClipNorm: 0 },
    data: { ...cpu.data, batchSize: 8, microBatch: 8 },
    schedule: { ...cpu.schedule, steps: 2000, checkpointEvery: 500, validateEvery: 0 },
    vp3d: vp3dPresetSection(blocks),
  };
}

export const CONFIG_PRESETS: Readonly<Record<string, TrainConfig>> = {
  paper,
  cpu,
  'single-frame': singleFrame,
  embedded,
  tiny,
  'vp3d-27': vp3dPreset('vp3d-27', 3),
  'vp3d-81': vp3dPreset('vp3d-81', 4),
  'vp3d-243': vp3dPreset('vp3d-243', 5),
};

/** A deep copy of a preset, or undefined for an unknown name. */
export function presetConfig(name: string): TrainConfig | undefined {
  const preset = CONFIG_PRESETS[name];
  return preset ? structuredClone(preset) : undefined;
}

/** A preset name or a JSON file path → a validated configuration. */
export function loadTrainConfig(nameOrPath: string): TrainConfig {
  const preset = presetConfig(nameOrPath);
  if (preset) return preset;
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const presets = Object.keys(CONFIG_PRESETS).join(', ');
    throw new BadInputFileError(nameOrPath, code === 'ENOENT' ? `no such config file or preset (presets: ${presets})` : `cannot read: ${code}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BadInputFileError(nameOrPath, `not valid JSON: ${(error as Error).message}`);
  }
  return parseTrainConfig(json, nameOrPath);
}

/** Validates a parsed JSON config (optionally `extends` a preset, default 'cpu'); errors name the key. */
export function parseTrainConfig(json: unknown, sourcePath: string): TrainConfig {
  const fail = (reason: string): never => {
    throw new BadInputFileError(sourcePath, reason);
  };
  if (!isRecord(json)) fail('config must be a JSON object');
  const { extends: baseName = 'cpu', ...overrides } = json as Record<string, unknown>;
  if (typeof baseName !== 'string') fail("'extends' must be a preset name");
  const base = presetConfig(baseName as string) ?? fail(`'extends': unknown preset '${String(baseName)}'`);
  const merged = mergeChecked(base, overrides, '', fail) as TrainConfig;
  if (!('name' in overrides)) merged.name = `${base.name}+${sourcePath}`;
  validateTrainConfig(merged, fail);
  return merged;
}

/** Copies `override` onto `base`, rejecting keys `base` lacks and values of another type. */
function mergeChecked(base: unknown, override: unknown, path: string, fail: (reason: string) => never): unknown {
  if (!isRecord(base)) {
    if (typeof override !== typeof base) fail(`'${path}' must be a ${typeof base}, got ${JSON.stringify(override)}`);
    return override;
  }
  if (!isRecord(override)) return fail(`'${path}' must be an object`);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (!(key in base)) fail(`unknown key '${keyPath}'`);
    out[key] = mergeChecked(base[key], value, keyPath, fail);
  }
  return out;
}

/** Range checks that keep a bad config from failing deep inside tfjs. */
export function validateTrainConfig(config: TrainConfig, fail: (reason: string) => never): void {
  const positiveInt = (value: number, key: string): void => {
    if (!Number.isInteger(value) || value <= 0) fail(`'${key}' must be a positive integer, got ${value}`);
  };
  const nonNegative = (value: number, key: string): void => {
    if (!Number.isFinite(value) || value < 0) fail(`'${key}' must be a finite number ≥ 0, got ${value}`);
  };
  const { model, data, optim, schedule } = config;
  for (const key of ['width', 'encoderBlocks', 'groupNormGroups', 'iefHidden', 'iefIterations', 'deltaFrames', 'hallucinatorHidden', 'discriminatorJointChannels', 'discriminatorHidden'] as const) {
    positiveInt(model[key], `model.${key}`);
  }
  if (model.width % model.groupNormGroups !== 0) fail(`'model.width' (${model.width}) must be a multiple of 'model.groupNormGroups' (${model.groupNormGroups})`);
  if (!(model.dropoutRate >= 0 && model.dropoutRate < 1)) fail(`'model.dropoutRate' must be in [0, 1), got ${model.dropoutRate}`);
  nonNegative(model.groupNormEpsilon, 'model.groupNormEpsilon');
  for (const [key, value] of Object.entries(config.loss)) nonNegative(value, `loss.${key}`);
  for (const key of ['encoderLr', 'discriminatorLr', 'epsilon'] as const) nonNegative(optim[key], `optim.${key}`);
  for (const key of ['beta1', 'beta2'] as const) {
    if (!(optim[key] >= 0 && optim[key] < 1)) fail(`'optim.${key}' must be in [0, 1), got ${optim[key]}`);
  }
  for (const key of ['windowFrames', 'batchSize', 'microBatch'] as const) positiveInt(data[key], `data.${key}`);
  if (data.batchSize % data.microBatch !== 0) fail(`'data.batchSize' (${data.batchSize}) must be a multiple of 'data.microBatch' (${data.microBatch})`);
  // Prediction slides windows whose middle frames are kept: a window must outreach the encoder's
  // receptive field (4·blocks + 1 frames) or no frame of it is free of padding.
  const receptiveField = 4 * model.encoderBlocks + 1;
  if (model.temporal && data.windowFrames <= receptiveField) fail(`'data.windowFrames' (${data.windowFrames}) must exceed the temporal encoder's receptive field (${receptiveField} frames)`);
  if (model.deltaHeads && data.windowFrames <= model.deltaFrames) fail(`'data.windowFrames' (${data.windowFrames}) must exceed 'model.deltaFrames' (${model.deltaFrames})`);
  if (!(data.flipProbability >= 0 && data.flipProbability <= 1)) fail(`'data.flipProbability' must be in [0, 1]`);
  nonNegative(data.visibilityThreshold, 'data.visibilityThreshold');
  if (!(data.validationFraction >= 0 && data.validationFraction < 1)) fail(`'data.validationFraction' must be in [0, 1), got ${data.validationFraction}`);
  if (!POSE_BANK_SETTINGS.includes(data.poseBank)) fail(`'data.poseBank' must be one of ${POSE_BANK_SETTINGS.join(', ')}, got ${JSON.stringify(data.poseBank)}`);
  for (const key of ['steps', 'logEvery', 'checkpointEvery', 'keepCheckpoints'] as const) positiveInt(schedule[key], `schedule.${key}`);
  for (const key of ['validateEvery', 'earlyStopPatience'] as const) {
    if (!Number.isInteger(schedule[key]) || schedule[key] < 0) fail(`'schedule.${key}' must be an integer ≥ 0, got ${schedule[key]}`);
  }
  if (!(BEST_METRICS as readonly string[]).includes(schedule.bestMetric)) fail(`'schedule.bestMetric' must be one of ${BEST_METRICS.join(', ')}, got ${JSON.stringify(schedule.bestMetric)}`);
  nonNegative(optim.gradClipNorm, 'optim.gradClipNorm');
  if (!Number.isInteger(optim.warmupSteps) || optim.warmupSteps < 0) fail(`'optim.warmupSteps' must be an integer ≥ 0, got ${optim.warmupSteps}`);
  if (!(LEARNING_RATE_DECAYS as readonly string[]).includes(optim.decay)) fail(`'optim.decay' must be one of ${LEARNING_RATE_DECAYS.join(', ')}, got '${optim.decay}'`);
  if (!(optim.finalLrFraction >= 0 && optim.finalLrFraction <= 1)) fail(`'optim.finalLrFraction' must be in [0, 1], got ${optim.finalLrFraction}`);
  if (!(POSE_PRIORS as readonly string[]).includes(posePriorOf(config))) fail(`'model.prior' must be one of ${POSE_PRIORS.join(', ')}, got '${config.model.prior}'`);
  if (posePriorOf(config) !== 'adversarial' && !config.flow?.path) fail(`'model.prior' '${config.model.prior}' needs 'flow.path': a prior folder from hmmr prior train`);
  if (!((data.groundTruthFraction ?? 1) >= 0 && (data.groundTruthFraction ?? 1) <= 1)) fail(`'data.groundTruthFraction' must be in [0, 1], got ${data.groundTruthFraction}`);
  if (config.features !== 'keypoints' && !config.features.startsWith('onnx:')) fail(`'features' must be 'keypoints' or 'onnx:<model.onnx>', got '${config.features}'`);
  if (config.vp3d) {
    validateVp3dConfig(config.vp3d, fail);
    if (schedule.validateEvery > 0) fail(`'schedule.validateEvery' must be 0 for a vp3d config (validation passes are HMMR's; score a vp3d run with hmmr eval --checkpoint)`);
  }
}

/** The pose prior a config asks for; configs saved before the option existed mean 'adversarial'. */
export function posePriorOf(config: TrainConfig): PosePrior {
  return config.model.prior ?? 'adversarial';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
