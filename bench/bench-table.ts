/**
 * The shape every bench/*.bench.ts returns: one table, printed by bench/run-all.ts. Speed targets
 * are ratios measured in the same run (this machine is noisy), never absolute timings.
 */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Targets, skipped parts and caveats, printed under the table. */
  notes?: string[];
}

/** Each bench file default-exports one of these. */
export type Bench = () => Promise<BenchTable>;

export function formatTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)))];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((row) => String(row[c] ?? '').length)));
  const line = (row: (string | number)[]) => '| ' + row.map((cell, c) => String(cell ?? '').padEnd(widths[c]!)).join(' | ') + ' |';
  const out = [`## ${table.title}`, '', line(cells[0]!), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  for (const row of cells.slice(1)) out.push(line(row));
  for (const note of table.notes ?? []) out.push('', `- ${note}`);
  return out.join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
