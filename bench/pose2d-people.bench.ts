import { OPENPOSE_DECODE_DEFAULTS } from '../src/pose2d/decode-options.js';
import { PoseDecoder } from '../src/pose2d/decode.js';
import { resolveModelFiles, type PoseQuality } from '../src/pose2d/model-files.js';
import { openPoseSession } from '../src/pose2d/session.js';
import type { BenchTable } from './bench-table.js';
import { DUPLICATE_FRACTION, flagPeople, FRAGMENT_LIMB_FACTOR, MERGED_LIMB_FACTOR, MIN_LIMBS_FOR_SCALE } from './people-geometry.js';
import { networkFrames } from './pose2d-quality.js';
import { sharedVideo } from './shared-assets.js';

const CLIP = { name: 'openpose_street_multiperson.mp4', width: 1280, height: 720 };
/** Sampled frames per second (HMMR_BENCH_FPS overrides). */
const FPS = Number(process.env.HMMR_BENCH_FPS ?? 5);

/**
 * The street clip check of issue 11, person by person: for both shipped models, how many decoded
 * people look merged (one skeleton spanning two people) or split (one person as two skeletons),
 * judged by body geometry (people-geometry.ts), with the descriptor's decoding and with OpenPose's.
 * Every flag is listed in the notes (frame, person, why) so it can be looked at.
 */
export default async function pose2dPeopleBench(): Promise<BenchTable> {
  const notes = [
    `merged: a body limb > ${MERGED_LIMB_FACTOR}× the length the person's other limbs imply; duplicate: two people with a keypoint of one type within ${DUPLICATE_FRACTION}·H; fragment: two people with no keypoint type in common joined by a limb of the table at ≤ ${FRAGMENT_LIMB_FACTOR}× its expected length (H: standing height from the median limb)`,
    `people with fewer than ${MIN_LIMBS_FOR_SCALE} body limbs are not judged (no scale); frames sampled at ${FPS} fps, input height 368`,
  ];
  const { path, skipReason } = sharedVideo(CLIP.name);
  if (!path) return { title: 'pose2d: merged and split people on the street clip', columns: ['result'], rows: [[skipReason!]], notes };
  const rows: (string | number)[][] = [];
  for (const quality of ['fast', 'accurate'] as PoseQuality[]) {
    const { descriptor, modelPath } = resolveModelFiles({ quality });
    const session = await openPoseSession(descriptor, modelPath);
    try {
      const frames = await networkFrames(session, path, CLIP, FPS);
      const names = descriptor.keypointFormat.keypoints;
      for (const [decoding, overrides] of [['descriptor', {}], ['OpenPose defaults', OPENPOSE_DECODE_DEFAULTS]] as const) {
        const decoder = new PoseDecoder(descriptor, overrides);
        const counts = { people: 0, merged: 0, duplicate: 0, fragment: 0 };
        for (const frame of frames) {
          const people = decoder.decode(frame.maps, frame.geometry);
          counts.people += people.length;
          const flags = flagPeople(people, names);
          for (const flag of flags) {
            counts[flag.kind]++;
            notes.push(`${quality}, ${decoding}, frame ${frame.index}: ${flag.kind} person ${flag.person}${flag.other !== undefined ? ` & ${flag.other}` : ''}: ${flag.detail}`);
          }
        }
        rows.push([`${quality} (${descriptor.name})`, decoding, frames.length, (counts.people / frames.length).toFixed(2), counts.people, counts.merged, counts.duplicate, counts.fragment]);
      }
    } finally {
      await session.close();
    }
  }
  return {
    title: 'pose2d: merged and split people on the street clip (geometry flags)',
    columns: ['model', 'decoding', 'frames', 'people/frame', 'people', 'merged', 'duplicate', 'fragment'],
    rows,
    notes,
  };
}
