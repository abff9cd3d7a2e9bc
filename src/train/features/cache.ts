import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SequenceFeatures } from '../data/sequence.js';
import type { FeatureExtractor, FeatureInput } from './extractor.js';

/**
 * Features computed once and kept on disk, one file per (tube, extractor): `<dir>/<key>.f32`,
 * raw little-endian float32 [2, F, dims] (the frames, then their mirror images). The key hashes
 * the extractor's id and sha, the tube id and the tube's frame indices and crops, so a re-tracked
 * tube that reuses an id, or another backbone, never reads stale features. Writes are atomic.
 */
export class FeatureCache {
  constructor(readonly dir: string) {}

  key(extractor: FeatureExtractor, input: FeatureInput): string {
    const hash = createHash('sha256').update(`${extractor.id}\n${extractor.sha}\n${input.tubeId}\n`);
    for (const frame of input.frames) hash.update(`${frame.frameIndex},${frame.crop.centerX},${frame.crop.centerY},${frame.crop.scale};`);
    return hash.digest('hex').slice(0, 32);
  }

  read(key: string, frameCount: number, dims: number): SequenceFeatures | undefined {
    const path = join(this.dir, `${key}.f32`);
    if (!existsSync(path)) return undefined;
    const bytes = readFileSync(path);
    const length = frameCount * dims;
    // A file of another size is from an interrupted or foreign write: recompute rather than trust it.
    if (bytes.length !== 2 * length * 4) return undefined;
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, 2 * length);
    return { dims, original: values.slice(0, length), mirrored: values.slice(length) };
  }

  write(key: string, features: SequenceFeatures): void {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${key}.f32`);
    const temp = `${path}.tmp-${process.pid}`;
    const joined = new Float32Array(features.original.length + features.mirrored.length);
    joined.set(features.original);
    joined.set(features.mirrored, features.original.length);
    writeFileSync(temp, Buffer.from(joined.buffer, joined.byteOffset, joined.byteLength));
    renameSync(temp, path);
  }
}

/** The extractor's features for a tube, from the cache when the extractor is worth caching. */
export async function extractFeatures(extractor: FeatureExtractor, input: FeatureInput, cache: FeatureCache | undefined, signal?: AbortSignal): Promise<SequenceFeatures> {
  if (!cache || !extractor.cacheable) return extractor.extract(input, signal);
  const key = cache.key(extractor, input);
  const cached = cache.read(key, input.frames.length, extractor.dims);
  if (cached) return cached;
  const features = await extractor.extract(input, signal);
  cache.write(key, features);
  return features;
}
