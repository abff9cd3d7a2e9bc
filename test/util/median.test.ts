import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median } from '../../src/util/median.js';

test('median: the middle value, the mean of the middle two for an even count; the input is left as it was', () => {
  const values = [9, 1, 5];
  assert.equal(median(values), 5);
  assert.deepEqual(values, [9, 1, 5]);
  assert.equal(median([4, 10, 2, 8]), 6);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), RangeError);
});
