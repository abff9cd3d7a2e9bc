import type { CommandModule } from 'yargs';
import { collectStatus, type StatusReport } from '../../ingest/status.js';
import type { QueueStatus } from '../../queue/queue-status.js';
import { parseRedisUrl } from '../../queue/redis-address.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface StatusArgs extends GlobalArgs {
  queue?: string;
}

export const statusCommand: CommandModule<GlobalArgs, StatusArgs> = {
  command: 'status',
  describe: 'list every video with its metadata and pipeline stage, and totals (with --queue: the label queue too)',
  builder: (yargs) =>
    yargs
      .option('queue', { type: 'string', describe: 'also show the distributed label queue on this Redis (redis://host:port[/db]): depth, workers, failed chunks' })
      .example('$0 status --json', 'machine-readable status of the default database')
      .example('$0 status --queue redis://10.0.0.5:6379', 'and the queue a `hmmr label --queue` coordinator feeds') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const address = args.queue === undefined ? undefined : parseRedisUrl(args.queue);
      const report = collectStatus(ctx.openDb());
      if (!address) return { summary: formatStatus(report), data: report };
      // BullMQ loads only with --queue.
      const { readQueueStatus } = await import('../../queue/queue-status.js');
      const queue = await readQueueStatus(address);
      return { summary: `${formatStatus(report)}
${formatQueueStatus(args.queue!, queue)}`, data: { ...report, queue } };
    }),
};

function formatQueueStatus(url: string, queue: QueueStatus): string {
  const lines = [
    `queue ${url}: ${queue.queued} chunks queued, ${queue.active} labelling, ${queue.completed} labelled awaiting commit, ${queue.failed} failed; ${queue.workers} workers`,
  ];
  for (const failure of queue.failures) lines.push(`  failed ${failure.job} after ${failure.attempts} attempts: ${failure.reason}`);
  return lines.join('\n');
}

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
