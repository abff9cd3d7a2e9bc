import type { FeatureExtractor } from './extractor.js';
import { KeypointFeatureExtractor } from './keypoint-features.js';
import { OnnxBackboneExtractor } from './onnx-backbone.js';

/** 'keypoints' or 'onnx:<model.onnx>' → a ready extractor (close() it when done). */
export async function createFeatureExtractor(spec: string, options: { visibilityThreshold: number }): Promise<FeatureExtractor> {
  if (spec === 'keypoints') return new KeypointFeatureExtractor(options.visibilityThreshold);
  if (spec.startsWith('onnx:')) return OnnxBackboneExtractor.open(spec.slice('onnx:'.length));
  throw new Error(`unknown feature extractor '${spec}'`);
}
