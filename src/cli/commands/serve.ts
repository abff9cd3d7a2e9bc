import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { DatabaseError, UsageError } from '../../errors.js';
import { isLoopbackHost, newAccessToken } from '../../serve/access-control.js';
import { openDatabase } from '../../store/database.js';
import { assertCurationSchema } from '../../store/tube-reviews.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';

interface ServeArgs extends GlobalArgs {
  port: number;
  host: string;
  readOnly: boolean;
  runs: string | undefined;
}

export const serveCommand: CommandModule<GlobalArgs, ServeArgs> = {
  command: 'serve',
  describe: 'a local web app to look at videos, tubes and training runs, and accept/reject/split tubes',
  builder: (yargs) =>
    yargs
      .option('port', { type: 'number', default: 8737, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on; any non-loopback address requires the access token printed at start' })
      .option('read-only', { type: 'boolean', default: false, describe: 'open the database read-only and refuse every decision' })
      .option('runs', { type: 'string', describe: 'folder of training runs (itself or its sub-folders hold metrics.jsonl) for the runs view' })
      .example('$0 serve --db hmmr-demo/hmmr.db --runs hmmr-demo', 'look at the demo\'s tubes and training curves at http://127.0.0.1:8737/') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(`--port must be an integer 0..65535, got ${args.port}`);
      // Serving an empty new database is never what was meant: a mistyped --db should say so.
      if (!existsSync(args.db)) throw new DatabaseError(args.db, 'no database here; hmmr ingest creates one, or pass --db <file>');
      const db = args.readOnly ? openDatabase(args.db, { readonly: true }) : ctx.openDb();
      try {
        if (args.readOnly) assertCurationSchema(db, args.db);
        const token = isLoopbackHost(args.host) ? undefined : newAccessToken();
        const runsDir = args.runs === undefined ? undefined : resolve(args.runs);
        const { createServer } = await import('../../serve/create-server.js');
        const app = createServer({ db, dbPath: args.db, readOnly: args.readOnly, runsDir, token, log: ctx.log });
        await app.listen({ port: args.port, host: args.host });
        const { port } = app.server.address() as AddressInfo;
        const host = args.host.includes(':') ? `[${args.host}]` : args.host;
        const url = `http://${host}:${port}/${token ? `?token=${token}` : ''}`;
        process.stdout.write(`hmmr serve: ${url}  (database ${args.db}${args.readOnly ? ', read-only' : ''}; Ctrl-C stops)\n`);
        await new Promise<void>((resolveStop) => ctx.signal.addEventListener('abort', () => resolveStop(), { once: true }));
        await app.close();
        return { summary: 'hmmr serve: stopped', data: { url, stopped: true } };
      } finally {
        if (args.readOnly) db.close();
      }
    }),
};
