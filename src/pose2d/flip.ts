/**
 * Horizontal-flip test-time augmentation: the network also sees each frame mirrored, and the two
 * passes' maps are averaged. The mirrored pass's maps are flipped back, its left/right keypoint
 * channels swapped (a mirrored left wrist is a right wrist), and each limb's field is taken from the
 * mirrored limb with its x component negated (and the whole vector negated when the table stores the
 * mirrored limb in the opposite direction). Averaging cancels the network's left/right asymmetries
 * (such as a small horizontal bias of its peaks) at the cost of a second inference per frame.
 *
 * The whole padded input row is mirrored, so mirrored cells line up exactly: cell c ↔ cell W − 1 − c
 * (the stride padding then sits on the left of the mirrored picture).
 */
import { BadInputFileError } from '../errors.js';
import type { PoseModelDescriptor } from './descriptor.js';
import type { PoseMaps } from './maps.js';

export interface FlipTables {
  /** Heatmap channel → the channel its mirror image shows up in (background → itself). */
  heatmapSource: Int32Array;
  /** Per limb: the limb whose mirrored field it takes, and +1 / −1 for its direction. */
  limbSource: { limb: number; sign: number }[];
}

/** left_x ↔ right_x by name; keypoints without a side mirror onto themselves. */
export function mirrorKeypoint(names: readonly string[], index: number): number {
  const name = names[index]!;
  const swapped = name.startsWith('left_') ? 'right_' + name.slice(5) : name.startsWith('right_') ? 'left_' + name.slice(6) : name;
  const mirrored = names.indexOf(swapped);
  return mirrored >= 0 ? mirrored : index;
}

export function flipTables(descriptor: PoseModelDescriptor): FlipTables {
  const names = descriptor.keypointFormat.keypoints;
  const heatmapSource = Int32Array.from({ length: descriptor.heatmaps.channels }, (_, channel) => (channel < names.length ? mirrorKeypoint(names, channel) : channel));
  const limbSource = descriptor.limbs.map((limb) => {
    const a = mirrorKeypoint(names, limb.parts[0]);
    const b = mirrorKeypoint(names, limb.parts[1]);
    const same = descriptor.limbs.findIndex((other) => other.parts[0] === a && other.parts[1] === b);
    if (same >= 0) return { limb: same, sign: 1 };
    const reversed = descriptor.limbs.findIndex((other) => other.parts[0] === b && other.parts[1] === a);
    if (reversed >= 0) return { limb: reversed, sign: -1 };
    throw new BadInputFileError(descriptor.path, `flip averaging needs the mirror of limb ${limb.parts.join('-')} (${names[a]}-${names[b]}) in the limb table`);
  });
  return { heatmapSource, limbSource };
}

/** The average of `maps` and the flipped-back `mirrored` maps of the same frame, as new arrays. */
export function averageWithMirror(maps: PoseMaps, mirrored: PoseMaps, descriptor: PoseModelDescriptor, tables: FlipTables): PoseMaps {
  const { width, height } = maps;
  const cells = width * height;
  const heatmaps = new Float32Array(maps.heatmaps.length);
  const average = (out: Float32Array, own: Float32Array, ownChannel: number, other: Float32Array, otherChannel: number, sign: number) => {
    for (let row = 0; row < height; row++) {
      const ownBase = ownChannel * cells + row * width;
      const otherBase = otherChannel * cells + row * width + width - 1;
      for (let col = 0; col < width; col++) out[ownBase + col] = 0.5 * (own[ownBase + col]! + sign * other[otherBase - col]!);
    }
  };
  for (let channel = 0; channel < tables.heatmapSource.length; channel++) average(heatmaps, maps.heatmaps, channel, mirrored.heatmaps, tables.heatmapSource[channel]!, 1);
  // PAF channels no limb uses are kept as the plain pass gave them.
  const pafs = Float32Array.from(maps.pafs);
  descriptor.limbs.forEach((limb, index) => {
    const { limb: sourceIndex, sign } = tables.limbSource[index]!;
    const source = descriptor.limbs[sourceIndex]!;
    average(pafs, maps.pafs, limb.paf[0], mirrored.pafs, source.paf[0], -sign);
    average(pafs, maps.pafs, limb.paf[1], mirrored.pafs, source.paf[1], sign);
  });
  return { width, height, heatmaps, pafs };
}
