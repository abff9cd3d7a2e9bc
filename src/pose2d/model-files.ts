/**
 * Which descriptor and ONNX file a command uses: --descriptor wins; with only --model, a descriptor
 * beside it (same name, .json) is used when present, else the shipped default (whose tensor names and
 * channel counts the session then checks against the model). Without either, --quality names one of
 * the shipped models.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { projectPath } from '../util/project-root.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor, type PoseModelDescriptor } from './descriptor.js';

/** The shipped pose models by name: the small fast one and the stronger, ~4× slower one (see README). */
export type PoseQuality = 'fast' | 'accurate';
export const POSE_QUALITIES: readonly PoseQuality[] = ['fast', 'accurate'];
/**
 * What `hmmr label` and `hmmr predict --image` use when no model is named: measured (docs/pose2d.md)
 * it keeps 0.95–1.0 of the network's confident keypoints on every clip where the fast model keeps
 * 0.5–0.85 on hard poses, at about 3× the inference time. `hmmr demo` labels with the fast one (a
 * quick run), as do library callers of resolveModelFiles without a choice (tests).
 */
export const LABEL_DEFAULT_QUALITY: PoseQuality = 'accurate';

/** The quality to use: the one asked for, else `fallback` unless a model or descriptor is named. */
export function qualityOrDefault(options: { model?: string; descriptor?: string; quality?: PoseQuality }, fallback: PoseQuality = LABEL_DEFAULT_QUALITY): PoseQuality | undefined {
  return options.quality ?? (options.model === undefined && options.descriptor === undefined ? fallback : undefined);
}

const SHIPPED_DESCRIPTORS: Record<PoseQuality, string> = {
  fast: DEFAULT_DESCRIPTOR_PATH,
  accurate: projectPath('models', 'human_pose_estimation_0001.json'),
};

export interface ModelFiles {
  descriptor: PoseModelDescriptor;
  modelPath: string;
}

export function resolveModelFiles(options: { model?: string; descriptor?: string; quality?: PoseQuality }): ModelFiles {
  if (options.quality !== undefined && (options.model !== undefined || options.descriptor !== undefined)) {
    throw new UsageError('--quality picks a shipped model; use it without --model / --descriptor');
  }
  const model = options.model === undefined ? undefined : resolve(options.model);
  let descriptorPath = options.descriptor === undefined ? undefined : resolve(options.descriptor);
  if (descriptorPath === undefined && model !== undefined) {
    const beside = join(dirname(model), basename(model, extname(model)) + '.json');
    if (existsSync(beside)) descriptorPath = beside;
  }
  const descriptor = loadDescriptor(descriptorPath ?? SHIPPED_DESCRIPTORS[options.quality ?? 'fast']);
  const modelPath = model ?? descriptorModelPath(descriptor);
  if (modelPath === undefined) throw new UsageError(`descriptor ${descriptor.path} names no model file; pass --model <file.onnx>`);
  return { descriptor, modelPath };
}
