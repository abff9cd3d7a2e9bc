import type { CommandModule } from 'yargs';
import { importOpenPoseFolder } from '../../tracker/import-openpose.js';
import { requireVideo } from '../select-videos.js';
import { trackLabelRun } from '../../tracker/track-video.js';
import type { GlobalArgs } from '../global-options.js';
import { runCommand } from '../run-command.js';
import { describeTracking } from './track.js';

interface ImportArgs extends GlobalArgs {
  kind: 'openpose';
  dir: string;
  video: string;
}

export const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import <kind> <dir>',
  describe: 'store 2D detections made elsewhere as a label run of an ingested video, then track them',
  builder: (yargs) =>
    yargs
      .positional('kind', { choices: ['openpose'] as const, demandOption: true, describe: 'openpose: a folder of OpenPose --write_json files (COCO-18 or BODY_25)' })
      .positional('dir', { type: 'string', demandOption: true, describe: 'folder holding <name>_<12-digit frame>_keypoints.json files' })
      .option('video', { type: 'string', demandOption: true, describe: 'the ingested video the files belong to (id or path)' })
      .example('$0 import openpose ./json --video clip.mp4', 'import OpenPose output for clip.mp4 and build its tubes') as never,
  handler: (args) =>
    runCommand(args, async (ctx) => {
      const db = ctx.openDb();
      const video = requireVideo(db, args.video);
      const imported = importOpenPoseFolder(db, args.dir, video);
      const tracking = trackLabelRun(db, imported.labelRunId);
      const what = imported.created ? 'imported' : 'already imported as';
      return {
        summary: `${what} label run ${imported.labelRunId}: ${imported.frames} frames, ${imported.detections} ${imported.keypointFormat} detections\n${describeTracking(tracking)}`,
        data: { ...imported, tracking },
      };
    }),
};
