/**
 * Frames (packed 8-bit rgb24/bgr24, already resized to the network height and padded to the stride
 * by the frame source) → the network's Float32 NCHW tensor, with the descriptor's channel order and
 * normalisation. Pure: buffers in, buffers out.
 */
import type { InputSpec } from './descriptor.js';

export type PackedPixelFormat = 'rgb24' | 'bgr24';

export interface PackedFrame {
  data: Uint8Array;
  width: number;
  height: number;
  pixelFormat: PackedPixelFormat;
}

export interface InputBatch {
  /** [batch, 3, height, width]. */
  data: Float32Array;
  batch: number;
  height: number;
  width: number;
}

/** Ask the frame source for the network's own channel order, so no swap is needed here. */
export function pixelFormatFor(input: InputSpec): PackedPixelFormat {
  return input.channelOrder === 'BGR' ? 'bgr24' : 'rgb24';
}

/**
 * One 256-entry table per network channel: (byte − mean[c]) × scale. A lookup per byte is the
 * cheapest exact way to apply any affine normalisation to 8-bit input.
 */
export function normalisationTables(input: InputSpec): Float32Array[] {
  return [0, 1, 2].map((channel) => {
    const table = new Float32Array(256);
    for (let value = 0; value < 256; value++) table[value] = (value - input.mean[channel]!) * input.scale;
    return table;
  });
}

/**
 * Writes one frame into `out` at image slot `index` (NCHW planes). `tables` come from
 * normalisationTables(input) and are passed in so a batch loop builds them once. `mirrored` writes
 * it flipped left ↔ right (whole rows, padding included), for flip averaging (flip.ts).
 */
export function writeFrameTensor(frame: PackedFrame, input: InputSpec, tables: Float32Array[], out: Float32Array, index: number, mirrored = false): void {
  const { width, height, data } = frame;
  const plane = width * height;
  if (data.length < plane * 3) throw new RangeError(`frame buffer holds ${data.length} bytes, ${width}×${height}×3 needs ${plane * 3}`);
  const frameOrder = frame.pixelFormat === 'bgr24' ? 'BGR' : 'RGB';
  // Byte b of each pixel feeds network channel b when the orders agree, channel 2 − b when they are swapped.
  const swap = frameOrder !== input.channelOrder;
  const table0 = tables[swap ? 2 : 0]!;
  const table1 = tables[1]!;
  const table2 = tables[swap ? 0 : 2]!;
  const plane0 = index * 3 * plane + (swap ? 2 * plane : 0);
  const plane1 = index * 3 * plane + plane;
  const plane2 = index * 3 * plane + (swap ? 0 : 2 * plane);
  // One pass over the pixels, reading each byte once (a pass per channel read the frame three times:
  // on a busy machine this loop is memory-bound).
  // Mirrored: column c of each row is written to column width − 1 − c.
  const step = mirrored ? -1 : 1;
  for (let row = 0; row < height; row++) {
    let byte = row * width * 3;
    const rowStart = row * width;
    for (let col = 0, at = mirrored ? rowStart + width - 1 : rowStart; col < width; col++, at += step, byte += 3) {
      out[plane0 + at] = table0[data[byte]!]!;
      out[plane1 + at] = table1[data[byte + 1]!]!;
      out[plane2 + at] = table2[data[byte + 2]!]!;
    }
  }
}

/** Packs same-sized frames into one batch tensor. */
export function buildInputBatch(frames: readonly PackedFrame[], input: InputSpec, tables = normalisationTables(input)): InputBatch {
  if (frames.length === 0) throw new RangeError('empty batch');
  const { width, height } = frames[0]!;
  const data = new Float32Array(frames.length * 3 * width * height);
  frames.forEach((frame, index) => {
    if (frame.width !== width || frame.height !== height) {
      throw new RangeError(`frames in one batch must share a size: ${frame.width}×${frame.height} vs ${width}×${height}`);
    }
    writeFrameTensor(frame, input, tables, data, index);
  });
  return { data, batch: frames.length, height, width };
}
