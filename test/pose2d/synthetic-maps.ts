/**
 * Heatmaps and PAFs generated analytically from known skeletons, the way OpenPose-style networks are
 * trained to produce them (tf-pose-estimation pose_dataset): a Gaussian of sigma ~1 cell per keypoint
 * (maximum over people), and per limb a unit vector A→B on the cells within one cell of the segment,
 * averaged where limbs of the same type overlap. Cells in the stride padding stay 0.
 */
import type { PoseModelDescriptor } from '../../src/pose2d/descriptor.js';
import type { FrameGeometry, PoseMaps } from '../../src/pose2d/maps.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** One ground-truth person: keypoint positions in original pixels, null where the keypoint is absent. */
export type TruePerson = ([number, number] | null)[];

export interface SyntheticFrame {
  maps: PoseMaps;
  geometry: FrameGeometry;
}

export interface RenderOptions {
  sigmaCells?: number;
  pafHalfWidthCells?: number;
  /** Uniform noise of ± these amplitudes added to every heatmap / PAF cell (seeded), as a real network's maps carry. */
  heatmapNoise?: number;
  pafNoise?: number;
  noiseSeed?: number;
}

/** The geometry the frame source produces for a video resized to inputHeight and padded to the stride. */
export function inputGeometry(originalWidth: number, originalHeight: number, inputHeight: number, stride: number): FrameGeometry & { mapWidth: number; mapHeight: number } {
  const scale = inputHeight / originalHeight;
  const contentWidth = Math.round(originalWidth * scale);
  const contentHeight = inputHeight;
  return {
    contentWidth,
    contentHeight,
    originalWidth,
    originalHeight,
    mapWidth: Math.ceil(contentWidth / stride),
    mapHeight: Math.ceil(contentHeight / stride),
  };
}

export function renderMaps(
  people: readonly TruePerson[],
  descriptor: PoseModelDescriptor,
  geometry: FrameGeometry & { mapWidth: number; mapHeight: number },
  options: RenderOptions = {},
): SyntheticFrame {
  const sigma = options.sigmaCells ?? 1;
  const halfWidth = options.pafHalfWidthCells ?? 1;
  const { mapWidth: width, mapHeight: height } = geometry;
  const stride = descriptor.stride;
  const cells = width * height;
  const keypoints = descriptor.keypointFormat.keypoints.length;
  const heatmaps = new Float32Array(descriptor.heatmaps.channels * cells);
  const pafs = new Float32Array(descriptor.pafs.channels * cells);
  const contentCols = geometry.contentWidth / stride - 0.5;
  const contentRows = geometry.contentHeight / stride - 0.5;
  const onPicture = (col: number, row: number) => col <= contentCols + 0.5 && row <= contentRows + 0.5;
  // Placed without the decoder's coordinate helpers, so a pixel-convention error there fails the tests.
  // A true point sits at original pixel-centre coordinate p, i.e. at edge position p + 0.5; the resize
  // scales edge positions by content/original; cell c spans input pixels [c·stride, (c+1)·stride), so
  // its centre is at input edge position (c + 0.5)·stride. The returned value is in cell units.
  const toCell = (point: [number, number]): [number, number] => {
    const inputX = ((point[0] + 0.5) * geometry.contentWidth) / geometry.originalWidth;
    const inputY = ((point[1] + 0.5) * geometry.contentHeight) / geometry.originalHeight;
    return [inputX / stride - 0.5, inputY / stride - 0.5];
  };

  for (const person of people) {
    person.forEach((point, part) => {
      if (!point) return;
      const [cx, cy] = toCell(point);
      const plane = heatmaps.subarray(part * cells, (part + 1) * cells);
      for (let row = 0; row < height; row++) {
        for (let col = 0; col < width; col++) {
          if (!onPicture(col, row)) continue;
          const d2 = (col - cx) ** 2 + (row - cy) ** 2;
          const value = Math.exp(-d2 / (2 * sigma * sigma));
          if (value > plane[row * width + col]!) plane[row * width + col] = value;
        }
      }
    });
  }
  if (descriptor.heatmaps.backgroundChannel !== null) {
    const background = heatmaps.subarray(keypoints * cells, (keypoints + 1) * cells);
    for (let cell = 0; cell < cells; cell++) {
      let strongest = 0;
      for (let part = 0; part < keypoints; part++) strongest = Math.max(strongest, heatmaps[part * cells + cell]!);
      background[cell] = 1 - strongest;
    }
  }

  const counts = new Uint16Array(cells);
  for (const limb of descriptor.limbs) {
    const fx = pafs.subarray(limb.paf[0] * cells, (limb.paf[0] + 1) * cells);
    const fy = pafs.subarray(limb.paf[1] * cells, (limb.paf[1] + 1) * cells);
    counts.fill(0);
    for (const person of people) {
      const a = person[limb.parts[0]];
      const b = person[limb.parts[1]];
      if (!a || !b) continue;
      const [ax, ay] = toCell(a);
      const [bx, by] = toCell(b);
      const length = Math.hypot(bx - ax, by - ay);
      if (length < 1e-9) continue;
      const ux = (bx - ax) / length;
      const uy = (by - ay) / length;
      for (let row = 0; row < height; row++) {
        for (let col = 0; col < width; col++) {
          if (!onPicture(col, row)) continue;
          const along = (col - ax) * ux + (row - ay) * uy;
          const across = Math.abs((col - ax) * uy - (row - ay) * ux);
          if (along < -halfWidth || along > length + halfWidth || across > halfWidth) continue;
          const cell = row * width + col;
          fx[cell] = fx[cell]! + ux;
          fy[cell] = fy[cell]! + uy;
          counts[cell]!++;
        }
      }
    }
    for (let cell = 0; cell < cells; cell++) {
      if (counts[cell]! > 1) {
        fx[cell] = fx[cell]! / counts[cell]!;
        fy[cell] = fy[cell]! / counts[cell]!;
      }
    }
  }
  const random = seededRandom(options.noiseSeed ?? 1);
  const addNoise = (values: Float32Array, amplitude: number) => {
    if (amplitude > 0) for (let i = 0; i < values.length; i++) values[i] = values[i]! + (random() * 2 - 1) * amplitude;
  };
  addNoise(heatmaps, options.heatmapNoise ?? 0);
  addNoise(pafs, options.pafNoise ?? 0);
  return { maps: { width, height, heatmaps, pafs }, geometry };
}

/** COCO-18 template, person units (1 ≈ standing height), facing the camera: the person's right is image left. */
const COCO18_TEMPLATE: readonly [number, number][] = [
  [0, 0.05], [0, 0.17],
  [-0.11, 0.18], [-0.15, 0.33], [-0.16, 0.47],
  [0.11, 0.18], [0.15, 0.33], [0.16, 0.47],
  [-0.07, 0.5], [-0.08, 0.72], [-0.08, 0.93],
  [0.07, 0.5], [0.08, 0.72], [0.08, 0.93],
  [-0.025, 0.025], [0.025, 0.025], [-0.055, 0.04], [0.055, 0.04],
];

/** Child keypoints rotated about their parent joint by the random pose (COCO-18 indices). */
const COCO18_CHAINS: readonly { parent: number; joints: number[]; maxDeg: number }[] = [
  { parent: 2, joints: [3, 4], maxDeg: 40 },
  { parent: 3, joints: [4], maxDeg: 60 },
  { parent: 5, joints: [6, 7], maxDeg: 40 },
  { parent: 6, joints: [7], maxDeg: 60 },
  { parent: 8, joints: [9, 10], maxDeg: 20 },
  { parent: 9, joints: [10], maxDeg: 30 },
  { parent: 11, joints: [12, 13], maxDeg: 20 },
  { parent: 12, joints: [13], maxDeg: 30 },
];


/** A COCO-18 person: the template scaled to heightPx with its top (nose) at (x, topY), optionally a random pose. */
export function coco18Person(x: number, topY: number, heightPx: number, random?: () => number, mirrored = false): TruePerson {
  const points = COCO18_TEMPLATE.map(([px, py]) => [(mirrored ? -px : px) * heightPx, py * heightPx] as [number, number]);
  if (random) {
    for (const chain of COCO18_CHAINS) {
      const angle = ((random() * 2 - 1) * chain.maxDeg * Math.PI) / 180;
      const [ox, oy] = points[chain.parent]!;
      for (const joint of chain.joints) {
        const [jx, jy] = points[joint]!;
        const dx = jx - ox;
        const dy = jy - oy;
        points[joint] = [ox + dx * Math.cos(angle) - dy * Math.sin(angle), oy + dx * Math.sin(angle) + dy * Math.cos(angle)];
      }
    }
  }
  const top = points[0]![1];
  return points.map(([px, py]) => [x + px, topY + (py - top)] as [number, number]);
}
