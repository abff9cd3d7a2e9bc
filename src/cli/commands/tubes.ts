import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { measureTubeQuality, type TubeQuality } from '../../serve/tube-quality.js';
import { curateTubes, listCuratedTubes, TUBE_REVIEW_STATUSES, TUBE_SPLITS, type CuratedTube, type CurationChange, type TubeReviewStatus } from '../../store/tube-reviews.js';
import { readTubeFrames, type TubeSplit } from '../../store/tubes.js';
import type { Db } from '../../store/database.js';
import { requireVideo } from '../select-videos.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface ListArgs extends GlobalArgs {
  video: string | undefined;
  status: TubeReviewStatus | undefined;
  minFrames: number | undefined;
}

interface SetArgs extends GlobalArgs {
  ids: number[];
  accept: boolean | undefined;
  reject: boolean | undefined;
  split: TubeSplit | undefined;
  note: string | undefined;
}

type ListedTube = CuratedTube & { quality: TubeQuality };

const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'tubes with their quality figures and curation decisions',
  builder: (yargs) =>
    yargs
      .option('video', { type: 'string', describe: 'only tubes of this video (id or path)' })
      .option('status', { type: 'string', choices: TUBE_REVIEW_STATUSES, describe: 'only tubes with this decision' })
      .option('min-frames', { type: 'number', describe: 'only tubes at least this long' })
      .example('$0 tubes list --status unreviewed --min-frames 30', 'the tubes still to look at, 30 frames or longer') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      if (args.minFrames !== undefined && !(Number.isInteger(args.minFrames) && args.minFrames >= 1)) throw new UsageError(`--min-frames must be an integer ≥ 1, got ${args.minFrames}`);
      const db = ctx.openDb();
      const tubes = listTubesWithQuality(db, args);
      return { summary: formatTubeTable(tubes), data: { tubes } };
    }),
};

const setCommand: CommandModule<GlobalArgs, SetArgs> = {
  command: 'set <ids..>',
  describe: 'record a decision about tubes: accept or reject, split, note (train, eval and export honour it)',
  builder: (yargs) =>
    yargs
      .positional('ids', { type: 'number', array: true, demandOption: true, describe: 'tube ids (hmmr tubes list shows them)' })
      .option('accept', { type: 'boolean', conflicts: 'reject', describe: 'mark the tubes accepted' })
      .option('reject', { type: 'boolean', describe: 'mark the tubes rejected: train, eval and export leave them out' })
      .option('split', { type: 'string', choices: TUBE_SPLITS, describe: 'move the tubes to this split' })
      .option('note', { type: 'string', describe: 'replace the tubes\' note ("" clears it)' })
      .example('$0 tubes set 12 14 --reject --note "two people merged"', 'reject two tubes with a reason') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const ids = args.ids.map((id) => {
        if (!Number.isInteger(id) || id < 1) throw new UsageError(`tube ids are positive integers, got ${id}`);
        return id;
      });
      const change: CurationChange = {};
      if (args.accept) change.status = 'accepted';
      if (args.reject) change.status = 'rejected';
      if (args.split !== undefined) change.split = args.split;
      if (args.note !== undefined) change.note = args.note;
      if (Object.keys(change).length === 0) throw new UsageError('say what to record: --accept, --reject, --split or --note');
      const db = ctx.openDb();
      const { missing } = curateTubes(db, ids, change);
      if (missing.length > 0) throw new UsageError(`no tube ${missing.join(', ')} in ${ctx.dbPath}; nothing was changed`);
      const tubes = listCuratedTubes(db, { ids });
      return { summary: tubes.map((tube) => `tube ${tube.id} ${tube.name}: ${tube.review.status}, ${tube.split}${tube.review.note ? `, "${tube.review.note}"` : ''}`).join('\n'), data: { tubes } };
    }),
};

export const tubesCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'tubes <action>',
  describe: 'list tubes with quality figures and decisions, or record decisions (accept/reject, split, note)',
  builder: (yargs: Argv<GlobalArgs>) => yargs.command(listCommand).command(setCommand).demandCommand(1, 'name an action: list or set') as never,
  handler: () => undefined,
};

function listTubesWithQuality(db: Db, args: ListArgs): ListedTube[] {
  const videoId = args.video === undefined ? undefined : requireVideo(db, args.video).id;
  return listCuratedTubes(db, { videoId, status: args.status, minFrames: args.minFrames }).map((tube) => ({
    ...tube,
    quality: measureTubeQuality(readTubeFrames(db, tube.id), tube.meanScore, tube.filledFrames),
  }));
}

/** Right-aligned numbers, left-aligned words, one width per column for header and rows alike. */
function tableRow(cells: readonly string[]): string {
  const widths = [4, 6, 7, 6, 8, 8, -10, -5];
  return cells.map((cell, i) => (widths[i] === undefined ? cell : widths[i]! > 0 ? cell.padStart(widths[i]!) : cell.padEnd(-widths[i]!))).join(' ');
}

function formatTubeTable(tubes: readonly ListedTube[]): string {
  const fixed = (value: number | null, digits: number) => (value === null ? '-' : value.toFixed(digits));
  const rows = tubes.map((tube) => {
    const q = tube.quality;
    const note = tube.review.note ? `  "${tube.review.note}"` : '';
    return tableRow([String(tube.id), String(tube.videoId ?? '-'), String(tube.frameCount), fixed(q.meanScore, 2), fixed(q.visibleKeypoints, 1), fixed(q.jitterPct, 2), tube.review.status, tube.split, tube.name + note]);
  });
  const header = tableRow(['id', 'video', 'frames', 'score', 'visible', 'jitter%', 'status', 'split', 'name']);
  return [header, ...rows, `${tubes.length} tubes`].join('\n');
}
