import type { BodyModel } from '../body/types.js';
import { InterruptedError } from '../errors.js';
import type { Db } from '../store/database.js';
import { bodyModelKeypoints } from './body-keypoints.js';
import { generateSyntheticSequence, planSyntheticSet, type SyntheticSequence, type SynthOptions, type SynthSplit } from './generate.js';
import { writeSyntheticSet } from './write-synthetic-set.js';

export interface SynthSummary {
  /** tubeId: absent for the pose-bank tier, which stores clips, not tubes. */
  sequences: { name: string; motion: string; split: SynthSplit; frames: number; tubeId?: number }[];
  gtFiles: Partial<Record<SynthSplit, string>>;
  bodyModel: string;
}

/**
 * `hmmr synth`: plan, generate every sequence through the body model, then store all of them in
 * one transaction. An interruption before the write leaves the database untouched.
 */
export async function runSynth(
  db: Db,
  body: BodyModel,
  outDir: string,
  options: SynthOptions,
  hooks: { onSequence?: (sequence: SyntheticSequence) => void; signal?: AbortSignal } = {},
): Promise<SynthSummary> {
  const keypointsOf = bodyModelKeypoints(body, options.detectorFormat.name);
  const sequences: SyntheticSequence[] = [];
  for (const planned of planSyntheticSet(options)) {
    // Yield to the event loop between sequences so a SIGINT can be noticed.
    await new Promise((resolve) => setImmediate(resolve));
    if (hooks.signal?.aborted) throw new InterruptedError();
    const sequence = generateSyntheticSequence(keypointsOf, planned, options);
    hooks.onSequence?.(sequence);
    sequences.push(sequence);
  }
  const written = writeSyntheticSet(db, outDir, options, sequences);
  return {
    sequences: sequences.map((sequence, i) => ({
      name: sequence.spec.name,
      motion: sequence.spec.motion,
      split: sequence.split,
      frames: sequence.frameCount,
      tubeId: written.tubeIds[i],
    })),
    gtFiles: written.gtFiles,
    bodyModel: body.name,
  };
}
