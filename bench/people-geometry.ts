/**
 * Merged and split people, flagged by body geometry alone (no ground truth needed), for the street
 * clip check of issue 11: does the decoder give one skeleton per person?
 *
 * A person's scale: body segment lengths as fractions of standing height H (Drillis & Contini's
 * segment table: upper arm 0.186 H, forearm 0.146 H, thigh 0.245 H, shank 0.246 H, shoulder width
 * 0.259 H, shoulder-to-hip 0.3 H; neck-to-nose ~0.12 H, the neck keypoint being the shoulders'
 * midpoint). Each body limb present gives an estimate length / fraction of H; their median is the
 * person's H (robust to one wrong limb; foreshortening only shortens limbs).
 *
 * - merged: a limb longer than MERGED_LIMB_FACTOR times what the rest of the body says it should be.
 *   A skeleton that spans two people has a limb reaching from one to the other.
 * - duplicate (split): two skeletons with a keypoint of the same type within DUPLICATE_FRACTION·H:
 *   two claims on the same body part.
 * - fragment (split): two skeletons with no keypoint type in common, joined by a limb of the table
 *   at a plausible length (at most FRAGMENT_LIMB_FACTOR times its expected length): together they
 *   would make one body, so one person was probably decoded as two.
 * Flags are candidates for a look at the frame, not verdicts (two people can stand that close).
 */
import type { Person2D } from '../src/domain.js';

/** Body limbs by keypoint names, with their length as a fraction of standing height. */
const BODY_LIMBS: readonly (readonly [string, string, number])[] = [
  ['neck', 'right_shoulder', 0.13],
  ['neck', 'left_shoulder', 0.13],
  ['right_shoulder', 'right_elbow', 0.186],
  ['left_shoulder', 'left_elbow', 0.186],
  ['right_elbow', 'right_wrist', 0.146],
  ['left_elbow', 'left_wrist', 0.146],
  ['neck', 'right_hip', 0.3],
  ['neck', 'left_hip', 0.3],
  ['right_hip', 'right_knee', 0.245],
  ['left_hip', 'left_knee', 0.245],
  ['right_knee', 'right_ankle', 0.246],
  ['left_knee', 'left_ankle', 0.246],
  ['neck', 'nose', 0.12],
];

export const MERGED_LIMB_FACTOR = 2;
export const DUPLICATE_FRACTION = 0.05;
export const FRAGMENT_LIMB_FACTOR = 1.5;
/** Body limbs a skeleton needs before its height is estimated (and its limbs judged). */
export const MIN_LIMBS_FOR_SCALE = 3;

export interface PersonFlag {
  kind: 'merged' | 'duplicate' | 'fragment';
  /** Index of the person (and of the other person, for the split kinds) in the frame's list. */
  person: number;
  other?: number;
  detail: string;
}

interface ResolvedLimb {
  a: number;
  b: number;
  fraction: number;
  name: string;
}

function resolveLimbs(keypointNames: readonly string[]): ResolvedLimb[] {
  return BODY_LIMBS.flatMap(([a, b, fraction]) => {
    const ia = keypointNames.indexOf(a);
    const ib = keypointNames.indexOf(b);
    return ia >= 0 && ib >= 0 ? [{ a: ia, b: ib, fraction, name: `${a}-${b}` }] : [];
  });
}

const present = (person: Person2D, part: number) => person.keypoints[part * 3 + 2]! > 0;
const distance = (p: Person2D, a: number, q: Person2D, b: number) =>
  Math.hypot(p.keypoints[a * 3]! - q.keypoints[b * 3]!, p.keypoints[a * 3 + 1]! - q.keypoints[b * 3 + 1]!);

/** The person's standing height in pixels from its body limbs (median estimate), or undefined with too few limbs. */
export function estimatedHeight(person: Person2D, limbs: readonly ResolvedLimb[]): number | undefined {
  const estimates = limbs.filter((limb) => present(person, limb.a) && present(person, limb.b)).map((limb) => distance(person, limb.a, person, limb.b) / limb.fraction);
  if (estimates.length < MIN_LIMBS_FOR_SCALE) return undefined;
  estimates.sort((x, y) => x - y);
  const middle = estimates.length >> 1;
  return estimates.length % 2 === 1 ? estimates[middle]! : (estimates[middle - 1]! + estimates[middle]!) / 2;
}

export function flagPeople(people: readonly Person2D[], keypointNames: readonly string[]): PersonFlag[] {
  const limbs = resolveLimbs(keypointNames);
  const heights = people.map((person) => estimatedHeight(person, limbs));
  const flags: PersonFlag[] = [];
  people.forEach((person, index) => {
    const height = heights[index];
    if (height === undefined) return;
    for (const limb of limbs) {
      if (!present(person, limb.a) || !present(person, limb.b)) continue;
      const ratio = distance(person, limb.a, person, limb.b) / (limb.fraction * height);
      if (ratio > MERGED_LIMB_FACTOR) flags.push({ kind: 'merged', person: index, detail: `${limb.name} ${ratio.toFixed(1)}× its expected length (H ≈ ${height.toFixed(0)} px)` });
    }
  });
  const parts = keypointNames.length;
  for (let i = 0; i < people.length; i++) {
    for (let j = i + 1; j < people.length; j++) {
      const [p, q] = [people[i]!, people[j]!];
      const height = Math.max(heights[i] ?? 0, heights[j] ?? 0);
      let shared = 0;
      for (let part = 0; part < parts; part++) {
        if (!present(p, part) || !present(q, part)) continue;
        shared++;
        if (height > 0 && distance(p, part, q, part) < DUPLICATE_FRACTION * height) {
          flags.push({ kind: 'duplicate', person: i, other: j, detail: `both have ${keypointNames[part]} within ${distance(p, part, q, part).toFixed(0)} px (H ≈ ${height.toFixed(0)} px)` });
          break;
        }
      }
      if (shared > 0 || height === 0) continue;
      const joint = joiningLimb(p, q, limbs, height);
      if (joint) flags.push({ kind: 'fragment', person: i, other: j, detail: `no keypoint type in common; ${joint}` });
    }
  }
  return flags;
}

/** For two skeletons with no keypoint type in common: a limb of the table that would join them at a plausible length. */
function joiningLimb(p: Person2D, q: Person2D, limbs: readonly ResolvedLimb[], height: number): string | undefined {
  for (const limb of limbs) {
    for (const [from, to] of [[p, q], [q, p]] as const) {
      if (!present(from, limb.a) || !present(to, limb.b)) continue;
      const ratio = distance(from, limb.a, to, limb.b) / (limb.fraction * height);
      if (ratio <= FRAGMENT_LIMB_FACTOR) return `${limb.name} would join them at ${ratio.toFixed(1)}× its expected length`;
    }
  }
  return undefined;
}
