import { FRAME_FILTER_3D_DESCRIPTION, type EvalReport } from './report.js';

/** The report as a fixed-width text table with units and the meaning of both aggregations. */
export function formatEvalReport(report: EvalReport): string {
  const header = ['metric', 'unit', 'per-sequence', 'all-frames', 'counted', 'note'];
  const lines = report.rows.map((row) => [
    row.label,
    row.unit,
    formatValue(row.perSequence, row.unit),
    formatValue(row.allFrames, row.unit),
    String(row.counted),
    row.note ?? '',
  ]);
  const widths = header.map((title, c) => Math.max(title.length, ...lines.map((line) => line[c]!.length)));
  const rightAligned = new Set([2, 3, 4]);
  const render = (cells: string[]): string =>
    cells
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const fps = report.fps === null ? 'fps unknown' : `${report.fps} fps`;
  return [
    `${report.sequenceCount} sequences, ${report.frameCount} frames (${report.frames3dCounted} counted for 3D: ${FRAME_FILTER_3D_DESCRIPTION}), ${fps}, joints ${report.jointSet}`,
    render(header),
    render(widths.map((w) => '-'.repeat(w))),
    ...lines.map(render),
    'per-sequence: mean of per-sequence means (reference code); all-frames: mean over all counted frames (VIBE).',
    'Acceleration on pelvis-aligned joints over 3-frame windows; windows touching a filtered frame are dropped.',
  ].join('\n');
}

function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  // mm/s² values are ~fps² larger than the rest; one decimal everywhere else matches published tables.
  return unit === 'mm/s²' ? value.toFixed(0) : value.toFixed(1);
}
