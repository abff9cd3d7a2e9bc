/**
 * The settings that turn a network's heatmaps and PAFs into people. They belong to the model, like
 * its keypoint format: a network is trained and tuned with one grouping (tf-pose-estimation's
 * pafprocess, OpenPose's bodyPartConnector, Open Model Zoo's OpenPoseDecoder ...), so a descriptor
 * carries its model's defaults ("decode" block) and the user may override any of them.
 * Resolution order: OpenPose's defaults ← the descriptor's "decode" ← command-line overrides.
 */

export type AssemblyOrder = 'strongest-first' | 'limb-table';

export interface DecodeOptions {
  /** Heatmap peak threshold (OpenPose nms_threshold, pafprocess THRESH_HEAT). */
  peakThreshold: number;
  /** Heatmap Gaussian smoothing sigma in network-input pixels; 0 = none. */
  smoothingSigmaInputPx: number;
  /** Candidates kept per keypoint type (OpenPose POSE_MAX_PEOPLE). */
  maxPeaksPerPart: number;
  /**
   * Heatmaps are upsampled (bilinear) by this integer factor before the peak search, as tf-pose (×4)
   * and OpenPose (×8) do; 1 = search at the network's stride with sub-cell refinement.
   */
  heatmapUpsample: number;
  /** PAF line samples per candidate limb; 0 = OpenPose's adaptive clamp(round(√(5·max|d| px)), 5, 25). */
  pafSamples: number;
  /** A PAF sample counts when its projection on the limb exceeds this (OpenPose inter_threshold). */
  pafSampleThreshold: number;
  /** Fraction of PAF samples that must count, strictly exceeded (OpenPose inter_min_above_threshold 0.95). */
  pafMinAboveFraction: number;
  /** Candidate limbs rank by PAF score + this × (both keypoint scores); 0 = by the field alone. */
  peakScoreWeight: number;
  /**
   * Limb length prior of Cao et al. / tf-pose / Lightweight OpenPose: the score gets
   * min(0, f·H/length − 1), H the picture height, so limbs longer than f·H are penalised; 0 = off.
   */
  limbLengthPrior: number;
  /**
   * 'strongest-first': connections of all limb types by descending score (OpenPose ≥ 1.5);
   * 'limb-table': limb by limb in the descriptor's order, each by score (Cao et al.'s code, tf-pose,
   * Open Model Zoo, Lightweight OpenPose).
   */
  assemblyOrder: AssemblyOrder;
  /** Fewest keypoints per person (OpenPose min_subset_cnt). */
  minParts: number;
  /** Lowest mean score per keypoint of a person (OpenPose min_subset_score). */
  minMeanScore: number;
}

/** OpenPose's defaults (spec B5); its COCO-challenge preset is 0.04 / 0.01 / 0.75 / 2 / 0.05. */
export const OPENPOSE_DECODE_DEFAULTS: Readonly<DecodeOptions> = Object.freeze({
  peakThreshold: 0.05,
  smoothingSigmaInputPx: 3,
  maxPeaksPerPart: 127,
  heatmapUpsample: 1,
  pafSamples: 0,
  pafSampleThreshold: 0.05,
  pafMinAboveFraction: 0.95,
  peakScoreWeight: 0,
  limbLengthPrior: 0,
  assemblyOrder: 'strongest-first',
  minParts: 3,
  minMeanScore: 0.4,
});

const ASSEMBLY_ORDERS: readonly AssemblyOrder[] = ['strongest-first', 'limb-table'];

/** Checks one option's value; returns the reason it is invalid, or undefined. */
function invalidReason(key: keyof DecodeOptions, value: unknown): string | undefined {
  if (key === 'assemblyOrder') return ASSEMBLY_ORDERS.includes(value as AssemblyOrder) ? undefined : `must be one of ${ASSEMBLY_ORDERS.join(', ')}`;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 'must be a non-negative number';
  const integral: (keyof DecodeOptions)[] = ['maxPeaksPerPart', 'heatmapUpsample', 'pafSamples', 'minParts'];
  if (integral.includes(key) && !Number.isInteger(value)) return 'must be an integer';
  if ((key === 'heatmapUpsample' || key === 'maxPeaksPerPart') && value < 1) return 'must be at least 1';
  if (key === 'pafMinAboveFraction' && value >= 1) return 'must be below 1 (it is strictly exceeded)';
  return undefined;
}

/**
 * Validates a partial set of options (a descriptor's "decode" block or command-line overrides);
 * `fail` receives a one-line reason naming the key.
 */
export function parseDecodeOverrides(raw: Record<string, unknown>, fail: (reason: string) => never): Partial<DecodeOptions> {
  const parsed: Partial<DecodeOptions> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!(key in OPENPOSE_DECODE_DEFAULTS)) fail(`unknown decode option "${key}" (known: ${Object.keys(OPENPOSE_DECODE_DEFAULTS).join(', ')})`);
    const reason = invalidReason(key as keyof DecodeOptions, value);
    if (reason) fail(`decode option "${key}" ${reason}`);
    (parsed as Record<string, unknown>)[key] = value;
  }
  return parsed;
}

/** OpenPose's defaults, then the model's own, then the caller's overrides (undefined = not set). */
export function resolveDecodeOptions(modelDefaults: Partial<DecodeOptions>, overrides: Partial<DecodeOptions> = {}): DecodeOptions {
  const options: DecodeOptions = { ...OPENPOSE_DECODE_DEFAULTS };
  for (const layer of [modelDefaults, overrides]) {
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  return options;
}
