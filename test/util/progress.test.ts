import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgress } from '../../src/util/progress.js';

test('plain progress lines carry the detail set last (hmmr train shows its validation score there)', () => {
  const written: string[] = [];
  const stream = { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream;
  let clock = 0;
  const progress = createProgress({ label: 'train', total: 4, unit: 'steps', mode: 'lines', lineIntervalMs: 0, stream, now: () => clock });
  clock = 1000;
  progress.tick();
  progress.setDetail?.('val MPJPE 150.0 mm at step 2 (best 150.0 at 2)');
  clock = 2000;
  progress.tick();
  assert.equal(written[0], 'train: 1/4 steps (25%), 1.0 steps/s, ETA 3s\n');
  assert.equal(written[1], 'train: 2/4 steps (50%), 1.0 steps/s, ETA 2s; val MPJPE 150.0 mm at step 2 (best 150.0 at 2)\n');
});
