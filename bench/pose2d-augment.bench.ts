import { resolveModelFiles, type PoseQuality } from '../src/pose2d/model-files.js';
import { PeopleFinder, type Augmentation } from '../src/pose2d/people-finder.js';
import { openPoseSession } from '../src/pose2d/session.js';
import { projectPath } from '../src/util/project-root.js';
import { readFrames, type DecodedFrame } from '../src/video/frame-source.js';
import type { BenchTable } from './bench-table.js';
import { sharedVideo } from './shared-assets.js';

const BATCH = 4;
const ROUNDS = 5;
const AUGMENTATIONS: { name: string; augmentation: Augmentation }[] = [
  { name: 'plain', augmentation: {} },
  { name: 'flip', augmentation: { flip: true } },
  { name: 'scales 1,0.75,0.5', augmentation: { scales: [1, 0.75, 0.5] } },
];

/**
 * The cost of test-time augmentation (people-finder.ts): time per frame to build the network inputs,
 * run the network and average the maps (decoding left out: it is the same for all), for a batch of
 * 720p frames at input height 368. The settings alternate round by round and each keeps its best
 * round, so load from other processes inflates them alike. Expected network-time ratios: flip 2×,
 * scales 1,0.75,0.5 ≈ 1 + 0.75² + 0.5² = 1.81×.
 */
export default async function pose2dAugmentBench(): Promise<BenchTable> {
  const street = sharedVideo('openpose_street_multiperson.mp4');
  const clip = street.path ?? projectPath('media', 'S02_tabletennis.mp4');
  const notes = [`${BATCH} frames of ${clip.split('/').pop()} at input height 368, best of ${ROUNDS} alternating rounds; ratio = time per frame ÷ the plain pass's`];
  const rows: (string | number)[][] = [];
  for (const quality of ['fast', 'accurate'] as PoseQuality[]) {
    const { descriptor, modelPath } = resolveModelFiles({ quality });
    const session = await openPoseSession(descriptor, modelPath);
    try {
      const finders = AUGMENTATIONS.map(({ augmentation }) => new PeopleFinder(descriptor, augmentation));
      const frames: DecodedFrame[] = [];
      for await (const frame of readFrames(clip, { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat: finders[0]!.pixelFormat, fps: 5 })) {
        frames.push(frame);
        if (frames.length === BATCH) break;
      }
      const best = finders.map(() => Infinity);
      for (let round = 0; round <= ROUNDS; round++) {
        for (const [index, finder] of finders.entries()) {
          const started = performance.now();
          const batch = finder.newBatch(frames[0]!, BATCH);
          for (const frame of frames) finder.add(batch, frame);
          const maps = await finder.infer(session, batch);
          for (let i = 0; i < frames.length; i++) finder.mapsOf(maps, i);
          // Round 0 warms each input size up and is not counted.
          if (round > 0) best[index] = Math.min(best[index]!, (performance.now() - started) / frames.length);
        }
      }
      AUGMENTATIONS.forEach(({ name }, index) => rows.push([`${quality} (${descriptor.name})`, name, best[index]!, (best[index]! / best[0]!).toFixed(2)]));
    } finally {
      await session.close();
    }
  }
  return { title: 'pose2d: test-time augmentation cost', columns: ['model', 'augmentation', 'ms/frame', 'ratio'], rows, notes };
}
