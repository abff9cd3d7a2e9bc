import type { CommandModule } from 'yargs';
import { collectStatus, type StatusReport } from '../../ingest/status.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'status',
  describe: 'list every video with its metadata and pipeline stage, and totals',
  builder: (yargs) => yargs.example('$0 status --json', 'machine-readable status of the default database') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const report = collectStatus(ctx.openDb());
      return { summary: formatStatus(report), data: report };
    }),
};

function formatStatus(report: StatusReport): string {
  const lines = report.videos.map((v) => {
    if (v.id === null) return `  -  failed     ${v.path}: ${v.error}`;
    const meta = `${v.width}x${v.height} ${v.fps?.toFixed(2)} fps ${v.frameCount}${v.frameCountExact ? '' : '~'} frames ${v.durationSec?.toFixed(1)} s`;
    const extra = v.error ? ` (${v.error})` : v.tubes > 0 ? ` ${v.tubes} tubes` : '';
    return `${String(v.id).padStart(3)}  ${v.status.padEnd(9)}  ${v.path}  ${meta}${extra}`;
  });
  const t = report.totals;
  lines.push(
    `${t.videos} videos (${t.frames} frames, ${t.durationSec.toFixed(1)} s): ${t.ingested} ingested, ${t.labelling} labelling, ` +
      `${t.labelled} labelled, ${t.partial > 0 ? `${t.partial} partial, ` : ''}${t.failed} failed; ${t.tubes} tubes`,
  );
  return lines.join('\n');
}
