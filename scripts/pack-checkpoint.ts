/**
 * Copies a checkpoint without the optimiser state (Adam's two moments are twice the weights), the
 * form shipped as models/hmmr-embedded: enough to predict, evaluate and start a fine-tune
 * (`hmmr train --init`), not to resume the original run.
 *   npx tsx scripts/pack-checkpoint.ts <checkpoint or run folder> <out folder>
 */
import { rmSync } from 'node:fs';
import { readCheckpoint, writeCheckpoint } from '../src/train/checkpoint.js';

const [source, out] = process.argv.slice(2);
if (!source || !out) {
  console.error('usage: pack-checkpoint.ts <checkpoint or run folder> <out folder>');
  process.exit(2);
}
const content = readCheckpoint(source, { withOptimizer: false });
rmSync(out, { recursive: true, force: true });
const dir = writeCheckpoint(out, content, 1);
console.log(`${source} (step ${content.step}) → ${dir}, weights only`);
