import assert from 'node:assert/strict';
import { test } from 'node:test';
import { solveAssignment } from '../../src/tracker/hungarian.js';
import { seededRandom } from '../helpers/seeded-random.js';

/**
 * Exhaustive search. Without `unassignedRowCost`: maximum number of allowed pairs, then minimum total
 * cost. With it: minimum of (assigned costs + unassignedRowCost per unassigned row).
 */
function bruteForce(cost: Float64Array, rows: number, cols: number, unassignedRowCost?: number): { pairs: number; total: number } {
  let best = { pairs: 0, total: 0 };
  let bestObjective = Infinity;
  const usedCols = new Uint8Array(cols);
  const visit = (row: number, pairs: number, total: number): void => {
    if (row === rows) {
      if (unassignedRowCost !== undefined) {
        const objective = total + unassignedRowCost * (rows - pairs);
        if (objective < bestObjective - 1e-9) [bestObjective, best] = [objective, { pairs, total }];
      } else if (pairs > best.pairs || (pairs === best.pairs && total < best.total - 1e-9)) {
        best = { pairs, total };
      }
      return;
    }
    visit(row + 1, pairs, total); // leave this row unassigned
    for (let col = 0; col < cols; col++) {
      const value = cost[row * cols + col]!;
      if (usedCols[col] || !Number.isFinite(value)) continue;
      usedCols[col] = 1;
      visit(row + 1, pairs + 1, total + value);
      usedCols[col] = 0;
    }
  };
  visit(0, 0, 0);
  return best;
}

function assertValidAssignment(
  result: ReturnType<typeof solveAssignment>,
  cost: Float64Array,
  rows: number,
  cols: number,
): number {
  let pairs = 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const c = result.rowToCol[r]!;
    if (c < 0) continue;
    assert.equal(result.colToRow[c], r, 'rowToCol and colToRow agree');
    assert.ok(Number.isFinite(cost[r * cols + c]!), 'never assigns a forbidden pair');
    pairs++;
    total += cost[r * cols + c]!;
  }
  for (let c = 0; c < cols; c++) {
    const r = result.colToRow[c]!;
    if (r >= 0) assert.equal(result.rowToCol[r], c);
  }
  assert.ok(Math.abs(total - result.totalCost) < 1e-9, 'totalCost is the sum of the assigned costs');
  return pairs;
}

test('matches brute force on random rectangular matrices with forbidden entries', () => {
  const random = seededRandom(1234);
  for (let trial = 0; trial < 400; trial++) {
    const rows = 1 + Math.floor(random() * 6);
    const cols = 1 + Math.floor(random() * 6);
    const forbiddenShare = [0, 0.3, 0.7][trial % 3]!;
    const cost = new Float64Array(rows * cols);
    for (let k = 0; k < cost.length; k++) {
      cost[k] = random() < forbiddenShare ? Infinity : Math.round((random() * 20 - 5) * 100) / 100;
    }
    const result = solveAssignment(cost, rows, cols);
    const pairs = assertValidAssignment(result, cost, rows, cols);
    const expected = bruteForce(cost, rows, cols);
    assert.equal(pairs, expected.pairs, `trial ${trial}: cardinality ${rows}×${cols}`);
    assert.ok(
      Math.abs(result.totalCost - expected.total) < 1e-9,
      `trial ${trial}: total ${result.totalCost} vs brute force ${expected.total}`,
    );
  }
});

test('with an unassigned-row cost, matches brute force on the penalised objective', () => {
  const random = seededRandom(99);
  for (let trial = 0; trial < 300; trial++) {
    const rows = 1 + Math.floor(random() * 6);
    const cols = 1 + Math.floor(random() * 6);
    const cost = new Float64Array(rows * cols);
    for (let k = 0; k < cost.length; k++) cost[k] = random() < 0.3 ? Infinity : Math.round(random() * 100) / 100;
    const unassignedRowCost = 0.5;
    const result = solveAssignment(cost, rows, cols, { unassignedRowCost });
    const pairs = assertValidAssignment(result, cost, rows, cols);
    const expected = bruteForce(cost, rows, cols, unassignedRowCost);
    const objective = result.totalCost + unassignedRowCost * (rows - pairs);
    const expectedObjective = expected.total + unassignedRowCost * (rows - expected.pairs);
    assert.ok(Math.abs(objective - expectedObjective) < 1e-9, `trial ${trial}: ${objective} vs ${expectedObjective}`);
  }
});

test('an unassigned-row cost keeps one good pair instead of two poor ones', () => {
  // Track 0 fits detection 0 well; track 1 (missed this frame) could only take detection 0 poorly,
  // and track 0 could fall back on a poor false positive (detection 1).
  const cost = Float64Array.from([0.1, 0.75, 0.6, Infinity]);
  assert.deepEqual(Array.from(solveAssignment(cost, 2, 2).rowToCol), [1, 0], 'maximum cardinality takes both poor pairs');
  assert.deepEqual(Array.from(solveAssignment(cost, 2, 2, { unassignedRowCost: 0.8 }).rowToCol), [0, -1]);
});

test('prefers more pairs over a cheaper but smaller matching', () => {
  // Row 0 could take column 0 cheaply, but then row 1 (allowed only at column 0) would go unmatched.
  const cost = Float64Array.from([0.1, 0.9, 0.2, Infinity]);
  const result = solveAssignment(cost, 2, 2);
  assert.deepEqual(Array.from(result.rowToCol), [1, 0]);
});

test('all-forbidden and empty matrices assign nothing', () => {
  const none = solveAssignment(Float64Array.from([Infinity, Infinity, NaN]), 1, 3);
  assert.deepEqual(Array.from(none.rowToCol), [-1]);
  assert.deepEqual(Array.from(none.colToRow), [-1, -1, -1]);
  const empty = solveAssignment(new Float64Array(0), 0, 4);
  assert.equal(empty.rowToCol.length, 0);
  assert.deepEqual(Array.from(empty.colToRow), [-1, -1, -1, -1]);
});

test('rejects a cost array of the wrong size', () => {
  assert.throws(() => solveAssignment(new Float64Array(5), 2, 3), RangeError);
});
