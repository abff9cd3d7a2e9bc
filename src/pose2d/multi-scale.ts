/**
 * Multi-scale test-time augmentation, as OpenPose's --scale_number / --scale_gap: besides the picture
 * at the input height, the network sees it shrunk (scale 0.75: a 0.75× smaller input), each pass's
 * maps are resized onto the full-size pass's grid and all passes are averaged. A network's receptive
 * field is fixed, so a smaller copy lets it see large people whole; the full-size pass keeps the detail.
 * OpenPose's scale_number N with scale_gap g is the scale list 1, 1 − g, …, 1 − (N − 1)·g.
 *
 * Pixel convention (maps.ts: cell c of a stride-s map covers input pixels [c·s, (c+1)·s)): a picture
 * of content width W₁ shrunk to Wₛ puts full-size input edge position e at e·Wₛ/W₁. The centre of
 * full-size cell C, edge position (C + 0.5)·s, therefore lands at (C + 0.5)·s·Wₛ/W₁ in the small input,
 * which is cell (C + 0.5)·Wₛ/W₁ − 0.5 of the small pass's map (the stride cancels): a bilinear resize
 * with the half-pixel convention at Wₛ/W₁ small cells per full-size cell (upsample.ts). The same
 * convention shrinks the picture itself, at W₁/Wₛ full-size pixels per small pixel. Each axis uses its
 * own exact ratio, since both content sizes are rounded to whole pixels.
 */
import { UsageError } from '../errors.js';
import type { PoseMaps } from './maps.js';
import { PlaneResizer } from './upsample.js';

/** No multi-scale averaging: one pass at the input height. */
export const SINGLE_SCALE: readonly number[] = [1];

/**
 * `--scales 1,0.75,0.5` → [1, 0.75, 0.5]. Every scale in (0, 1], 1 among them (its grid is the one the
 * passes are averaged on, and the decoder's), no repeats; returned largest first.
 */
export function parseScales(text: string): number[] {
  const scales = text.split(',').map((part) => Number(part.trim()));
  const bad = scales.find((scale) => !Number.isFinite(scale) || scale <= 0 || scale > 1);
  if (text.trim() === '' || bad !== undefined) throw new UsageError(`--scales: '${text}' is not a comma-separated list of scales in (0, 1]`);
  if (!scales.includes(1)) throw new UsageError(`--scales: '${text}' must include 1 (the input height, whose grid the passes are averaged on)`);
  if (new Set(scales).size !== scales.length) throw new UsageError(`--scales: '${text}' repeats a scale`);
  return scales.sort((a, b) => b - a);
}

/** A network input: the picture (content) at its top-left, black padding up to a multiple of the stride. */
export interface InputSize {
  contentWidth: number;
  contentHeight: number;
  width: number;
  height: number;
}

/** The input for `scale` of a full-size picture: content sizes rounded to whole pixels, padded to the stride. */
export function scaledInputSize(full: { contentWidth: number; contentHeight: number }, scale: number, stride: number): InputSize {
  const contentWidth = Math.max(1, Math.round(full.contentWidth * scale));
  const contentHeight = Math.max(1, Math.round(full.contentHeight * scale));
  return { contentWidth, contentHeight, width: Math.ceil(contentWidth / stride) * stride, height: Math.ceil(contentHeight / stride) * stride };
}

/**
 * Shrinks one normalised full-size network image (3 planes) into a smaller network input; the padding
 * gets `padValues`, the normalised black the frame source pads with.
 */
export class PictureScaler {
  private readonly resizer: PlaneResizer;

  constructor(
    private readonly full: InputSize,
    private readonly scaled: InputSize,
    private readonly padValues: readonly number[],
  ) {
    this.resizer = new PlaneResizer(full.contentWidth, full.contentHeight, scaled.contentWidth, scaled.contentHeight,
      full.contentWidth / scaled.contentWidth, full.contentHeight / scaled.contentHeight);
  }

  /** Image slot `fullSlot` of a full-size tensor → image slot `slot` of a scaled tensor. */
  write(fullTensor: Float32Array, fullSlot: number, out: Float32Array, slot: number): void {
    const { full, scaled } = this;
    const fullPlane = full.width * full.height;
    const plane = scaled.width * scaled.height;
    for (let channel = 0; channel < 3; channel++) {
      const offset = (slot * 3 + channel) * plane;
      out.fill(this.padValues[channel]!, offset, offset + plane);
      this.resizer.resize({ data: fullTensor, offset: (fullSlot * 3 + channel) * fullPlane, rowStride: full.width }, { data: out, offset, rowStride: scaled.width });
    }
  }
}

/** Copies image slot `from` of a tensor into slot `to`, mirrored left ↔ right (whole rows, padding included, as flip.ts expects). */
export function writeMirrored(tensor: Float32Array, size: InputSize, from: number, to: number): void {
  const plane = size.width * size.height;
  for (let channel = 0; channel < 3; channel++) {
    for (let row = 0; row < size.height; row++) {
      const source = (from * 3 + channel) * plane + row * size.width;
      const rowEnd = (to * 3 + channel) * plane + row * size.width + size.width - 1;
      for (let col = 0; col < size.width; col++) tensor[rowEnd - col] = tensor[source + col]!;
    }
  }
}

/** Resizes one pass's maps (every heatmap and PAF channel) onto the full-size pass's map grid. */
export class MapsToGrid {
  private readonly resizer: PlaneResizer;

  /** `from` / `to`: the two passes' picture sizes (input pixels) and map sizes (cells). */
  constructor(
    from: { contentWidth: number; contentHeight: number; mapWidth: number; mapHeight: number },
    private readonly to: { contentWidth: number; contentHeight: number; mapWidth: number; mapHeight: number },
  ) {
    this.resizer = new PlaneResizer(from.mapWidth, from.mapHeight, to.mapWidth, to.mapHeight,
      from.contentWidth / to.contentWidth, from.contentHeight / to.contentHeight);
  }

  run(maps: PoseMaps): PoseMaps {
    const { mapWidth, mapHeight } = this.to;
    const resizeAll = (source: Float32Array): Float32Array => {
      const channels = source.length / (maps.width * maps.height);
      const out = new Float32Array(channels * mapWidth * mapHeight);
      for (let channel = 0; channel < channels; channel++) {
        this.resizer.resize({ data: source, offset: channel * maps.width * maps.height, rowStride: maps.width }, { data: out, offset: channel * mapWidth * mapHeight, rowStride: mapWidth });
      }
      return out;
    };
    return { width: mapWidth, height: mapHeight, heatmaps: resizeAll(maps.heatmaps), pafs: resizeAll(maps.pafs) };
  }
}

/** The cell-by-cell mean of maps on one grid (PAF vectors are averaged component-wise, as OpenPose does). */
export function averageMaps(all: readonly PoseMaps[]): PoseMaps {
  const first = all[0]!;
  const mean = (pick: (maps: PoseMaps) => Float32Array): Float32Array => {
    const out = new Float32Array(pick(first).length);
    for (const maps of all) {
      const values = pick(maps);
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + values[i]!;
    }
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / all.length;
    return out;
  };
  return { width: first.width, height: first.height, heatmaps: mean((maps) => maps.heatmaps), pafs: mean((maps) => maps.pafs) };
}
