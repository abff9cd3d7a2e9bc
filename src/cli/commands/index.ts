/**
 * The command registry. Every `hmmr` start imports every command module (yargs needs their flags), so a
 * command module imports only light modules at its top; what it runs (tfjs, onnxruntime, BullMQ,
 * Fastify and the runners built on them) it imports inside its handler. test/cli/startup.test.ts
 * fails when a heavy package loads at start.
 */
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-options.js';
import { demoCommand } from './demo.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { exportMotionCommand } from './export-motion.js';
import { importCommand } from './import.js';
import { ingestCommand } from './ingest.js';
import { labelCommand } from './label.js';
import { predictCommand } from './predict.js';
import { priorCommand } from './prior.js';
import { renderCommand } from './render.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { synthCommand } from './synth.js';
import { trackCommand } from './track.js';
import { trainCommand } from './train.js';
import { tubesCommand } from './tubes.js';
import { workerCommand } from './worker.js';

/** A command plus the one example `hmmr --help` shows for it. */
export interface HmmrCommand {
  // Each command narrows the arguments differently; the registry only needs the yargs shape.
  module: CommandModule<GlobalArgs, never>;
  example: readonly [command: string, description: string];
}

/** Every hmmr command, in the order `hmmr --help` lists them. Add one entry per new command. */
export const commands: readonly HmmrCommand[] = [
  { module: demoCommand as never, example: ['$0 demo', 'the whole pipeline on the shipped clip into ./hmmr-demo: tubes, training, eval tables, a 2D+3D overlay video'] },
  { module: ingestCommand as never, example: ['$0 ingest ./videos', 'probe, hash and register every video below ./videos'] },
  { module: labelCommand as never, example: ['$0 label --fps 5', 'detect every person in the ingested videos, 5 frames per second (resumable)'] },
  { module: workerCommand as never, example: ['$0 worker --queue redis://10.0.0.5:6379', 'label chunks for a `hmmr label --queue` coordinator on another machine'] },
  { module: statusCommand as never, example: ['$0 status --json', 'every video with its stage, as JSON'] },
  { module: trackCommand as never, example: ['$0 track --max-gap 20', 'link stored detections into tracks and tubes again'] },
  { module: tubesCommand as never, example: ['$0 tubes set 12 14 --reject', 'reject tubes 12 and 14: train, eval and export leave them out'] },
  { module: serveCommand as never, example: ['$0 serve', 'a web app at http://127.0.0.1:8737/ to look at tubes and accept/reject/split them'] },
  { module: renderCommand as never, example: ['$0 render clip.mp4 --out overlay.mp4', 'the video with skeletons, boxes and track ids drawn'] },
  { module: importCommand as never, example: ['$0 import openpose ./json --video clip.mp4', 'store OpenPose JSON output as detections of clip.mp4'] },
  { module: synthCommand as never, example: ['$0 synth --out synth --sequences 40', 'synthetic MoCap tubes with 3D ground truth, and synth/gt.json for hmmr eval'] },
  { module: exportCommand as never, example: ['$0 export --format openpose --out ./json', 'every labelled video as OpenPose per-frame JSON'] },
  { module: trainCommand as never, example: ['$0 train --out runs/cpu1 --steps 2000', 'train HMMR on the stored tubes (checkpoints + metrics.jsonl; --resume continues)'] },
  { module: priorCommand as never, example: ['$0 prior train --out priors/pose', 'a normalizing-flow pose prior fitted to the pose bank (or generated motion); hmmr prior sample draws a PNG grid'] },
  { module: predictCommand as never, example: ['$0 predict --checkpoint runs/cpu1 --out p.json', 'Θ, 3D joints and ±5-frame poses for every tube'] },
  { module: exportMotionCommand as never, example: ['$0 export-motion --format bvh --out motion', 'the latest prediction run as one BVH per tube (also glb, npz)'] },
  { module: evalCommand as never, example: ['$0 eval --pred pred.json --gt gt.json', 'PCK, MPJPE, PA-MPJPE and acceleration of predictions against ground truth'] },
];
