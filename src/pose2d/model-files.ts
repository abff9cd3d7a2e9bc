/**
 * Which descriptor and ONNX file a command uses: --descriptor wins; with only --model, a descriptor
 * beside it (same name, .json) is used when present, else the shipped default (whose tensor names and
 * channel counts the session then checks against the model).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor, type PoseModelDescriptor } from './descriptor.js';

export interface ModelFiles {
  descriptor: PoseModelDescriptor;
  modelPath: string;
}

export function resolveModelFiles(options: { model?: string; descriptor?: string }): ModelFiles {
  const model = options.model === undefined ? undefined : resolve(options.model);
  let descriptorPath = options.descriptor === undefined ? undefined : resolve(options.descriptor);
  if (descriptorPath === undefined && model !== undefined) {
    const beside = join(dirname(model), basename(model, extname(model)) + '.json');
    if (existsSync(beside)) descriptorPath = beside;
  }
  const descriptor = loadDescriptor(descriptorPath ?? DEFAULT_DESCRIPTOR_PATH);
  const modelPath = model ?? descriptorModelPath(descriptor);
  if (modelPath === undefined) throw new UsageError(`descriptor ${descriptor.path} names no model file; pass --model <file.onnx>`);
  return { descriptor, modelPath };
}
