import { Rng } from '../train/rng.js';
import { sampleSequenceSpec, sequenceMotion } from './sequence-spec.js';

/**
 * Pose clips straight from the motion generator, without a body model or detector: what a pose
 * prior trains on when no MoCap pose bank was imported. Clip k is sequence k of a synth set with
 * the same seed (the same motion, speed, amplitude and phase; motions rotate through the library),
 * so a prior trained on a seed the benchmark does not use sees the generator's pose distribution
 * but none of the benchmark's sequences.
 */
export function generatorPoseClips(clipCount: number, frames: number, fps: number, seed: number): { source: string; poses: Float32Array }[] {
  const random = new Rng(seed);
  return Array.from({ length: clipCount }, (_, index) => {
    const spec = sampleSequenceSpec(random, index, `prior-s${seed}-`);
    return { source: spec.name, poses: sequenceMotion(spec, frames, fps).poses };
  });
}
