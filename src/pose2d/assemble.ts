/**
 * People from matched limbs. Two orders (DecodeOptions.assemblyOrder):
 * - 'strongest-first', after OpenPose's pafVectorIntoPeopleVector (bodyPartConnectorBase.cpp):
 *   connections are taken strongest first across all limb types, so a confident limb anywhere on the
 *   body seeds a person even when the neck (the root of the limb tree) was missed;
 * - 'limb-table', as Cao et al.'s code, tf-pose's pafprocess and Open Model Zoo: limb by limb in the
 *   descriptor's order (root outwards), each limb's connections strongest first, so a person grows
 *   from the torso and a limb attaches to the joint its parent limb already placed.
 * Either way two partial people joined by a limb are merged only when they share no keypoint type.
 * Then OpenPose's filter: enough parts and a high enough mean score.
 */
import type { AssemblyOrder } from './decode-options.js';
import type { LimbSpec } from './descriptor.js';
import type { Connections } from './connections.js';
import type { PeakList } from './peaks.js';

export interface AssemblyOptions {
  /** Fewest counted keypoints a person needs (OpenPose min_subset_cnt 3). */
  minParts: number;
  /** Lowest (sum of keypoint and limb scores) / counted keypoints (OpenPose min_subset_score 0.4). */
  minMeanScore: number;
  /** Default 'strongest-first'. */
  assemblyOrder?: AssemblyOrder;
}

export interface AssembledPerson {
  /** Peak index per keypoint type, -1 where missing. */
  peaks: Int32Array;
  /** Sum of the keypoint scores and limb (PAF) scores, OpenPose's subset score. */
  totalScore: number;
  partCount: number;
}

interface Group {
  peaks: Int32Array;
  totalScore: number;
  partCount: number;
  alive: boolean;
}

/**
 * OpenPose's sort key: the PAF score plus a little of both keypoint scores, so a strong field between
 * two barely detected keypoints does not come first.
 */
function connectionOrder(connections: Connections, peaks: PeakList, indices: number[]): number[] {
  const key = (i: number): number => connections.pafScore[i]! + 0.1 * (peaks.score[connections.peakA[i]!]! + peaks.score[connections.peakB[i]!]!);
  return indices.sort((p, q) => key(q) - key(p));
}

export function assemblePeople(
  peaks: PeakList,
  connections: Connections,
  limbs: readonly LimbSpec[],
  keypointCount: number,
  keypointsNotCounted: readonly number[],
  options: AssemblyOptions,
): AssembledPerson[] {
  const groups: Group[] = [];
  const groupOf = new Int32Array(peaks.count).fill(-1);
  const partOf = new Int32Array(peaks.count);
  for (let part = 0; part < keypointCount; part++) {
    for (let peak = peaks.partStart[part]!; peak < peaks.partStart[part + 1]!; peak++) partOf[peak] = part;
  }

  const grouping: number[] = [];
  const fillOnly: number[] = [];
  for (let i = 0; i < connections.count; i++) (limbs[connections.limb[i]!]!.useForGrouping ? grouping : fillOnly).push(i);

  // Connections arrive limb by limb in table order, each limb's strongest first: 'limb-table' keeps that.
  const order = options.assemblyOrder === 'limb-table' ? grouping : connectionOrder(connections, peaks, grouping);
  for (const i of order) {
    const a = connections.peakA[i]!;
    const b = connections.peakB[i]!;
    const paf = connections.pafScore[i]!;
    const groupA = groupOf[a]!;
    const groupB = groupOf[b]!;
    if (groupA < 0 && groupB < 0) {
      const group: Group = { peaks: new Int32Array(keypointCount).fill(-1), totalScore: peaks.score[a]! + peaks.score[b]! + paf, partCount: 2, alive: true };
      group.peaks[partOf[a]!] = a;
      group.peaks[partOf[b]!] = b;
      groupOf[a] = groupOf[b] = groups.length;
      groups.push(group);
    } else if (groupA < 0 || groupB < 0) {
      const owner = groupA >= 0 ? groupA : groupB;
      const newcomer = groupA >= 0 ? b : a;
      const group = groups[owner]!;
      // The person already has this keypoint type from a stronger connection: leave the newcomer free.
      if (group.peaks[partOf[newcomer]!] === -1) {
        group.peaks[partOf[newcomer]!] = newcomer;
        group.partCount++;
        group.totalScore += peaks.score[newcomer]! + paf;
        groupOf[newcomer] = owner;
      }
    } else if (groupA === groupB) {
      groups[groupA]!.totalScore += paf;
    } else {
      mergeIfDisjoint(groups, groupOf, Math.min(groupA, groupB), Math.max(groupA, groupB), paf);
    }
  }

  // Redundant limbs (ear–shoulder) only complete people: they neither create nor merge any.
  for (const i of options.assemblyOrder === 'limb-table' ? fillOnly : connectionOrder(connections, peaks, fillOnly)) {
    const a = connections.peakA[i]!;
    const b = connections.peakB[i]!;
    const groupA = groupOf[a]!;
    const groupB = groupOf[b]!;
    if ((groupA >= 0) === (groupB >= 0)) continue;
    const owner = groupA >= 0 ? groupA : groupB;
    const newcomer = groupA >= 0 ? b : a;
    const group = groups[owner]!;
    if (group.peaks[partOf[newcomer]!] !== -1) continue;
    group.peaks[partOf[newcomer]!] = newcomer;
    group.partCount++;
    group.totalScore += peaks.score[newcomer]! + connections.pafScore[i]!;
    groupOf[newcomer] = owner;
  }

  const people: AssembledPerson[] = [];
  for (const group of groups) {
    if (!group.alive) continue;
    let counted = group.partCount;
    for (const part of keypointsNotCounted) if (group.peaks[part] !== -1) counted--;
    if (counted >= options.minParts && counted > 0 && group.totalScore / counted >= options.minMeanScore) {
      people.push({ peaks: group.peaks, totalScore: group.totalScore, partCount: group.partCount });
    }
  }
  return people;
}

function mergeIfDisjoint(groups: Group[], groupOf: Int32Array, keep: number, absorb: number, paf: number): void {
  const target = groups[keep]!;
  const source = groups[absorb]!;
  for (let part = 0; part < target.peaks.length; part++) {
    if (target.peaks[part] !== -1 && source.peaks[part] !== -1) return;
  }
  for (let part = 0; part < target.peaks.length; part++) {
    const peak = source.peaks[part]!;
    if (peak === -1) continue;
    target.peaks[part] = peak;
    groupOf[peak] = keep;
  }
  target.partCount += source.partCount;
  target.totalScore += source.totalScore + paf;
  source.alive = false;
}
