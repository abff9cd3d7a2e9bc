import type { OptimConfig } from './config.js';

/**
 * The learning-rate multiplier of optimiser step `step` (1-based: the first update is step 1) in a
 * run of `totalSteps`: a linear warm-up over `warmupSteps` (step/warmupSteps), then either constant
 * 1 or a cosine from 1 down to `finalLrFraction` at the last step. Both Adams (encoder and
 * discriminator) are scaled by it. The horizon is the run's total (`--steps`), so a run resumed to
 * a larger total continues on the stretched curve from where that curve is at this step.
 */
export function learningRateFactor(step: number, totalSteps: number, optim: Pick<OptimConfig, 'warmupSteps' | 'decay' | 'finalLrFraction'>): number {
  const { warmupSteps, decay, finalLrFraction } = optim;
  if (warmupSteps > 0 && step <= warmupSteps) return step / warmupSteps;
  if (decay === 'constant') return 1;
  const span = totalSteps - warmupSteps;
  if (span <= 0) return 1;
  const progress = Math.min(1, Math.max(0, (step - warmupSteps) / span));
  return finalLrFraction + (1 - finalLrFraction) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
