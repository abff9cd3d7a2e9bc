/**
 * Minimum-cost assignment for rectangular cost matrices (Kuhn-Munkres, in the shortest-augmenting-path
 * form of Jonker-Volgenant: O(n² m) for an n × m problem with n ≤ m).
 *
 * Entries may be +Infinity, meaning "this pair may never be assigned". By default the result is an
 * assignment of maximum cardinality over the allowed pairs and, among those, of minimum total cost.
 * With `unassignedRowCost`, leaving a row unassigned costs that much instead and the total is simply
 * minimised: a pair is then only worth taking by how much it undercuts that cost, so one good pair is
 * never broken up to make two poor ones (what tracking needs). Unmatched rows/columns get -1.
 */

export interface Assignment {
  /** rowToCol[r] = the column assigned to row r, or -1. */
  rowToCol: Int32Array;
  /** colToRow[c] = the row assigned to column c, or -1. */
  colToRow: Int32Array;
  /** Sum of the costs of the assigned pairs. */
  totalCost: number;
}

export interface AssignmentOptions {
  /** Cost of leaving a row unassigned; absent or +Infinity = maximise the number of pairs first. */
  unassignedRowCost?: number;
}

/**
 * Solves the assignment problem for `cost` (row-major, rows × cols). Negative and positive finite
 * costs are both fine; NaN is treated as forbidden.
 */
export function solveAssignment(cost: Float64Array, rows: number, cols: number, options: AssignmentOptions = {}): Assignment {
  if (cost.length !== rows * cols) {
    throw new RangeError(`cost matrix has ${cost.length} entries, expected ${rows} × ${cols}`);
  }
  // An infinite price for unassigned rows is exactly "maximise the number of pairs first".
  const rejection = options.unassignedRowCost;
  if (rejection !== undefined && Number.isFinite(rejection)) return solveWithRejection(cost, rows, cols, rejection);
  return solveMaxCardinality(cost, rows, cols);
}

/**
 * Every row gets a private "unassigned" column of cost 0 while real pairs cost (c − unassignedRowCost):
 * all rows can then always be assigned, so maximum cardinality is free and minimum cost is the
 * true objective.
 */
function solveWithRejection(cost: Float64Array, rows: number, cols: number, unassignedRowCost: number): Assignment {
  const wide = cols + rows;
  const augmented = new Float64Array(rows * wide).fill(Infinity);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) augmented[r * wide + c] = cost[r * cols + c]! - unassignedRowCost;
    augmented[r * wide + cols + r] = 0;
  }
  const solved = solveMaxCardinality(augmented, rows, wide);
  const rowToCol = new Int32Array(rows).fill(-1);
  const colToRow = new Int32Array(cols).fill(-1);
  let totalCost = 0;
  for (let r = 0; r < rows; r++) {
    const c = solved.rowToCol[r]!;
    if (c < 0 || c >= cols) continue;
    rowToCol[r] = c;
    colToRow[c] = r;
    totalCost += cost[r * cols + c]!;
  }
  return { rowToCol, colToRow, totalCost };
}

function solveMaxCardinality(cost: Float64Array, rows: number, cols: number): Assignment {
  const rowToCol = new Int32Array(rows).fill(-1);
  const colToRow = new Int32Array(cols).fill(-1);
  let minFinite = Infinity;
  let maxFinite = -Infinity;
  for (const value of cost) {
    if (!Number.isFinite(value)) continue;
    if (value < minFinite) minFinite = value;
    if (value > maxFinite) maxFinite = value;
  }
  if (minFinite === Infinity) return { rowToCol, colToRow, totalCost: 0 };

  // The core solver needs n ≤ m and assigns every row; solve the transpose when there are more rows.
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  // Forbidden pairs get a penalty larger than any difference in finite totals (costs are shifted to
  // [0, range]), so using one fewer forbidden pair always wins: maximum cardinality first, then cost.
  const range = maxFinite - minFinite;
  const forbiddenPenalty = (n + 1) * (range + 1);
  const shifted = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const value = transposed ? cost[j * cols + i]! : cost[i * cols + j]!;
      shifted[i * m + j] = Number.isFinite(value) ? value - minFinite : forbiddenPenalty;
    }
  }
  const matchOfCol = assignAllRows(shifted, n, m);

  let totalCost = 0;
  for (let j = 0; j < m; j++) {
    const i = matchOfCol[j]!;
    if (i < 0) continue;
    const row = transposed ? j : i;
    const col = transposed ? i : j;
    const value = cost[row * cols + col]!;
    if (!Number.isFinite(value)) continue;
    rowToCol[row] = col;
    colToRow[col] = row;
    totalCost += value;
  }
  return { rowToCol, colToRow, totalCost };
}

/**
 * Shortest augmenting path with dual potentials (u for rows, v for columns). Every row is added in
 * turn; a Dijkstra-like search over reduced costs finds the cheapest way to free a column for it.
 * Returns, for each column, the row assigned to it or -1. Requires n ≤ m and finite costs.
 */
function assignAllRows(cost: Float64Array, n: number, m: number): Int32Array {
  // 1-based arrays with column 0 as the virtual start column, as in the classic formulation.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfCol = new Int32Array(m + 1); // 0 = free
  const previousCol = new Int32Array(m + 1);
  const minReduced = new Float64Array(m + 1);
  const visited = new Uint8Array(m + 1);

  for (let row = 1; row <= n; row++) {
    rowOfCol[0] = row;
    let col0 = 0;
    minReduced.fill(Infinity);
    visited.fill(0);
    do {
      visited[col0] = 1;
      const i0 = rowOfCol[col0]!;
      let delta = Infinity;
      let col1 = 0;
      const rowBase = (i0 - 1) * m;
      for (let j = 1; j <= m; j++) {
        if (visited[j]) continue;
        const reduced = cost[rowBase + j - 1]! - u[i0]! - v[j]!;
        if (reduced < minReduced[j]!) {
          minReduced[j] = reduced;
          previousCol[j] = col0;
        }
        if (minReduced[j]! < delta) {
          delta = minReduced[j]!;
          col1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (visited[j]) {
          u[rowOfCol[j]!] += delta;
          v[j] -= delta;
        } else {
          minReduced[j] -= delta;
        }
      }
      col0 = col1;
    } while (rowOfCol[col0] !== 0);
    // Flip the augmenting path back to the start column.
    do {
      const col1 = previousCol[col0]!;
      rowOfCol[col0] = rowOfCol[col1]!;
      col0 = col1;
    } while (col0 !== 0);
  }

  const matchOfCol = new Int32Array(m).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOfCol[j]! > 0) matchOfCol[j - 1] = rowOfCol[j]! - 1;
  return matchOfCol;
}
