/**
 * The parameters of a labelling, as recorded in label_runs.params_json: everything that changes the
 * detections. Equal parameters give an equal params_key, which is how `hmmr label` knows a video is
 * already labelled and where an interrupted run resumes. Batch size, device and thread counts are left
 * out on purpose: they change speed, not results.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../util/canonical-json.js';
import type { DecodeOptions } from './decode-options.js';
import type { PoseModelDescriptor } from './descriptor.js';

export interface LabelParams {
  model: string;
  modelSha256: string;
  /** Hash of the descriptor's content (tensor names, normalisation, limb table). */
  descriptorSha256: string;
  keypointFormat: string;
  inputHeight: number;
  stride: number;
  /** Target frame rate when subsampling; null = every frame. */
  fps: number | null;
  /**
   * How frames are picked for `fps`: 'uniform-step' keeps every ⌈video fps / fps⌉-th frame (see
   * subsampleStep). Absent in runs labelled before it, which kept frames unevenly apart.
   */
  subsampling: 'uniform-step' | null;
  decode: DecodeOptions;
  /** Flip averaging (a mirrored second pass); recorded only when on, so earlier runs keep their key. */
  flip?: true;
  /** Multi-scale averaging's input scales; recorded only when more than [1], so earlier runs keep their key. */
  scales?: number[];
}

export function descriptorSha256(descriptor: PoseModelDescriptor): string {
  // The path is where the file happens to live, not what it says.
  const { path: _path, ...content } = descriptor;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export function labelParams(descriptor: PoseModelDescriptor, modelSha256: string, settings: { inputHeight: number; fps?: number; decode: DecodeOptions; flip?: boolean; scales?: readonly number[] }): LabelParams {
  return {
    model: descriptor.name,
    modelSha256,
    descriptorSha256: descriptorSha256(descriptor),
    keypointFormat: descriptor.keypointFormat.name,
    inputHeight: settings.inputHeight,
    stride: descriptor.stride,
    fps: settings.fps ?? null,
    subsampling: settings.fps === undefined ? null : 'uniform-step',
    decode: { ...settings.decode },
    ...(settings.flip ? { flip: true as const } : {}),
    ...(settings.scales && settings.scales.length > 1 ? { scales: [...settings.scales] } : {}),
  };
}
