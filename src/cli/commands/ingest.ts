import type { CommandModule } from 'yargs';
import { DEFAULT_VIDEO_EXTENSIONS } from '../../ingest/walk.js';
import { ingestPaths } from '../../ingest/ingest.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface IngestArgs extends GlobalArgs {
  paths: string[];
  concurrency: number;
  ext: string;
}

export const ingestCommand: CommandModule<GlobalArgs, IngestArgs> = {
  command: 'ingest <paths..>',
  describe: 'probe, hash and register every video under the given files and folders',
  builder: (yargs) =>
    yargs
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'video files or folders (walked recursively)' })
      .option('concurrency', { type: 'number', default: 4, describe: 'files probed and hashed at once' })
      .option('ext', { type: 'string', default: DEFAULT_VIDEO_EXTENSIONS.join(','), describe: 'comma-separated video file extensions' })
      .example('$0 ingest ./videos', 'register every video below ./videos')
      .example('$0 ingest a.mp4 b.mov --json', 'register two files, print a JSON summary') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const db = ctx.openDb();
      const progress = ctx.progress('ingest', undefined, 'files');
      const summary = await ingestPaths(db, args.paths, {
        extensions: args.ext.split(',').map((e) => e.trim()).filter(Boolean),
        concurrency: args.concurrency,
        signal: ctx.signal,
        onTotal: (total) => progress.setTotal(total),
        onFile: (file) => {
          progress.tick();
          if (file.outcome === 'failed') ctx.log.error(`hmmr: ${file.path}: ${file.error}`);
          else ctx.log.verbose(`${file.outcome}: ${file.path}`);
        },
      });
      progress.done();
      const { counts } = summary;
      const text = `${counts.added} added, ${counts.alias} aliases, ${counts.unchanged + counts['updated-path']} unchanged, ${counts.failed} failed`;
      return {
        summary: text,
        data: { ...counts, files: summary.files },
        exitCode: ctx.signal.aborted ? ExitCode.interrupted : counts.failed > 0 ? ExitCode.partial : ExitCode.ok,
      };
    }),
};
