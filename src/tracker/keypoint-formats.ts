/**
 * Keypoint formats by name, from the model descriptors hmmr ships (models/*.json,
 * models/descriptors/*.json). A label run stores only its format's name; tracking, import and export
 * look the layout up here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KeypointFormat } from '../domain.js';
import { loadDescriptor } from '../pose2d/descriptor.js';
import { projectPath } from '../util/project-root.js';

let cached: KeypointFormat[] | undefined;

/** One format per distinct name, from every shipped descriptor. */
export function knownKeypointFormats(): KeypointFormat[] {
  if (cached) return cached;
  const byName = new Map<string, KeypointFormat>();
  for (const dir of [projectPath('models'), projectPath('models', 'descriptors')]) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
      const format = loadDescriptor(join(dir, file)).keypointFormat;
      if (!byName.has(format.name)) byName.set(format.name, format);
    }
  }
  cached = [...byName.values()];
  return cached;
}

/**
 * The format called `name`; for a name no shipped descriptor declares (a user's own model), a
 * generic layout of `keypointCount` unnamed points, so tracking still works (default OKS σ, no limbs).
 */
export function keypointFormatFor(name: string, keypointCount: number): KeypointFormat {
  const known = knownKeypointFormats().find((format) => format.name === name && format.keypoints.length === keypointCount);
  if (known) return known;
  return { name, keypoints: Array.from({ length: keypointCount }, (_, k) => `keypoint_${k}`), limbs: [] };
}
