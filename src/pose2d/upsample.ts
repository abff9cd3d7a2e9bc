/**
 * Bilinear resizing of map and image planes with the half-pixel convention of OpenCV's resize and
 * TensorFlow's resize_bilinear(align_corners=false): output cell j covers the same picture as source
 * position (j + 0.5)·r − 0.5, where r is source cells per output cell, so cell centres stay where they
 * were. Positions outside the source repeat its border cell. Used to upsample heatmaps before a peak
 * search (Upsampler, r = 1/factor) and for multi-scale test-time augmentation (multi-scale.ts: a
 * picture shrunk to a smaller network input, and that pass's maps brought back to the common grid).
 */

/** Source-map coordinate of output cell j of a map upsampled by `factor`. */
export function toSourceCell(j: number, factor: number): number {
  return (j + 0.5) / factor - 0.5;
}

interface Taps {
  low: Int32Array;
  high: Int32Array;
  weightHigh: Float32Array;
}

/** Per output cell: the two source cells it blends and the weight of the second. */
function taps(sourceSize: number, outSize: number, sourcePerOut: number): Taps {
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const weightHigh = new Float32Array(outSize);
  for (let j = 0; j < outSize; j++) {
    const s = Math.max(0, Math.min(sourceSize - 1, (j + 0.5) * sourcePerOut - 0.5));
    const i = Math.min(Math.floor(s), Math.max(0, sourceSize - 2));
    low[j] = i;
    high[j] = Math.min(i + 1, sourceSize - 1);
    weightHigh[j] = s - i;
  }
  return { low, high, weightHigh };
}

/** Where a plane lives in a larger array: its first value and the distance between its rows. */
export interface PlaneView {
  data: Float32Array;
  offset: number;
  rowStride: number;
}

/**
 * Reusable tap tables and scratch for one resize: a sourceWidth × sourceHeight region (the only cells
 * it reads) → an outWidth × outHeight region, at `sourcePerOut` source cells per output cell per axis.
 */
export class PlaneResizer {
  private readonly columns: Taps;
  private readonly rows: Taps;
  private readonly wide: Float32Array;

  constructor(
    readonly sourceWidth: number,
    readonly sourceHeight: number,
    readonly outWidth: number,
    readonly outHeight: number,
    sourcePerOutX: number,
    sourcePerOutY: number,
  ) {
    this.columns = taps(sourceWidth, outWidth, sourcePerOutX);
    this.rows = taps(sourceHeight, outHeight, sourcePerOutY);
    this.wide = new Float32Array(outWidth * sourceHeight);
  }

  /** Resizes the source region into the output region (other cells of `out` are left as they are). */
  resize(source: PlaneView, out: PlaneView): void {
    const { sourceHeight, outWidth, outHeight, wide, columns, rows } = this;
    for (let row = 0; row < sourceHeight; row++) {
      const base = source.offset + row * source.rowStride;
      const target = row * outWidth;
      for (let j = 0; j < outWidth; j++) {
        const w = columns.weightHigh[j]!;
        wide[target + j] = (1 - w) * source.data[base + columns.low[j]!]! + w * source.data[base + columns.high[j]!]!;
      }
    }
    for (let j = 0; j < outHeight; j++) {
      const w = rows.weightHigh[j]!;
      const low = rows.low[j]! * outWidth;
      const high = rows.high[j]! * outWidth;
      const target = out.offset + j * out.rowStride;
      for (let col = 0; col < outWidth; col++) out.data[target + col] = (1 - w) * wide[low + col]! + w * wide[high + col]!;
    }
  }
}

/** Upsampling of one map plane by an integer factor, into a buffer it owns; positions convert back with toSourceCell. */
export class Upsampler {
  private readonly resizer: PlaneResizer;
  readonly output: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly factor: number,
  ) {
    this.resizer = new PlaneResizer(width, height, width * factor, height * factor, 1 / factor, 1 / factor);
    this.output = new Float32Array(width * factor * height * factor);
  }

  /** Upsamples `plane` (width × height) into this.output ((width·f) × (height·f)) and returns it. */
  run(plane: Float32Array): Float32Array {
    this.resizer.resize({ data: plane, offset: 0, rowStride: this.width }, { data: this.output, offset: 0, rowStride: this.width * this.factor });
    return this.output;
  }
}
