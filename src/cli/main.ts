#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { ExitCode } from './exit-codes.js';
import { withGlobalOptions } from './global-options.js';

/** The `hmmr` executable: parse flags, dispatch to one command module. No logic here. */
const cli = withGlobalOptions(yargs(hideBin(process.argv)))
  .scriptName('hmmr')
  .usage('$0 <command> [options]\n\nTurn a folder of ordinary videos into 3D human dynamics training data, then train and evaluate HMMR.')
  .strict()
  .demandCommand(1, 'name a command; see hmmr --help')
  .recommendCommands()
  .epilogue('Exit codes: 0 success, 1 usage or fatal error, 3 finished but some inputs failed, 130 interrupted (resumable).')
  .help()
  .alias('help', 'h')
  .version()
  .wrap(process.stdout.isTTY ? Math.min(140, process.stdout.columns) : 120)
  .fail((message, error, argv) => {
    if (error) throw error;
    process.stderr.write(`hmmr: ${message}\n\n`);
    argv.showHelp((text) => process.stderr.write(text + '\n'));
    process.exit(ExitCode.failed);
  });

for (const { module, example } of commands) cli.command(module).example(example[0], example[1]);

await cli.parseAsync();
