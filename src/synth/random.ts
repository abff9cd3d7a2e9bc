/**
 * Random draws for synthetic data. The generator is the project's seeded Rng (src/train/rng.ts), so
 * `hmmr synth --seed S` is reproducible byte for byte; synth code depends only on this interface.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
}

export const uniform = (random: RandomSource, low: number, high: number): number => low + (high - low) * random.next();
export const gaussian = (random: RandomSource, mean: number, std: number): number => mean + std * random.normal();
export const chance = (random: RandomSource, p: number): boolean => random.next() < p;
