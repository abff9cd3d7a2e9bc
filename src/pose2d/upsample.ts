/**
 * Bilinear upsampling of one map plane by an integer factor, with the half-pixel convention of
 * OpenCV's resize and TensorFlow's resize_bilinear(align_corners=false): output cell j of a ×f map
 * covers the same input pixels as source position (j + 0.5)/f − 0.5, so cell centres stay where they
 * were and positions convert back with toSourceCell. Edges repeat the border cell.
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

function taps(size: number, factor: number): Taps {
  const out = size * factor;
  const low = new Int32Array(out);
  const high = new Int32Array(out);
  const weightHigh = new Float32Array(out);
  for (let j = 0; j < out; j++) {
    const s = Math.max(0, Math.min(size - 1, toSourceCell(j, factor)));
    const i = Math.min(Math.floor(s), Math.max(0, size - 2));
    low[j] = i;
    high[j] = Math.min(i + 1, size - 1);
    weightHigh[j] = s - i;
  }
  return { low, high, weightHigh };
}

/** Reusable buffers and tap tables for one map size and factor. */
export class Upsampler {
  private readonly columns: Taps;
  private readonly rows: Taps;
  private readonly wide: Float32Array;
  readonly output: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly factor: number,
  ) {
    this.columns = taps(width, factor);
    this.rows = taps(height, factor);
    this.wide = new Float32Array(width * factor * height);
    this.output = new Float32Array(width * factor * height * factor);
  }

  /** Upsamples `plane` (width × height) into this.output ((width·f) × (height·f)) and returns it. */
  run(plane: Float32Array): Float32Array {
    const { width, height, factor, wide, output, columns, rows } = this;
    const outWidth = width * factor;
    for (let row = 0; row < height; row++) {
      const source = row * width;
      const target = row * outWidth;
      for (let j = 0; j < outWidth; j++) {
        const w = columns.weightHigh[j]!;
        wide[target + j] = (1 - w) * plane[source + columns.low[j]!]! + w * plane[source + columns.high[j]!]!;
      }
    }
    for (let j = 0; j < height * factor; j++) {
      const w = rows.weightHigh[j]!;
      const low = rows.low[j]! * outWidth;
      const high = rows.high[j]! * outWidth;
      const target = j * outWidth;
      for (let col = 0; col < outWidth; col++) output[target + col] = (1 - w) * wide[low + col]! + w * wide[high + col]!;
    }
    return output;
  }
}
