import type { CropParams } from '../../domain.js';
import { CROP_SIZE } from '../data/sequence.js';

/** An 8-bit RGB frame in original pixels. */
export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Samples the 224×224 tube crop of a frame (bilinear) into slot `index` of an NCHW float32 batch,
 * normalised to [−1, 1] as HMR's backbone expects (2·byte/255 − 1). Crop pixel (u, v) shows
 * original pixel centre + (u + ½ − 112)/scale; `mirrored` flips it horizontally (flip
 * augmentation). Outside the frame is black (−1).
 */
export function writeCrop(frame: RgbFrame, crop: CropParams, mirrored: boolean, out: Float32Array, index: number): void {
  const size = CROP_SIZE;
  const plane = size * size;
  const base = index * 3 * plane;
  const { data, width, height } = frame;
  for (let v = 0; v < size; v++) {
    const y = crop.centerY + (v + 0.5 - size / 2) / crop.scale - 0.5;
    const y0 = Math.floor(y);
    const fy = y - y0;
    for (let u = 0; u < size; u++) {
      const column = mirrored ? size - 1 - u : u;
      const x = crop.centerX + (column + 0.5 - size / 2) / crop.scale - 0.5;
      const x0 = Math.floor(x);
      const fx = x - x0;
      for (let c = 0; c < 3; c++) {
        const sample = (xi: number, yi: number) => (xi < 0 || yi < 0 || xi >= width || yi >= height ? 0 : data[(yi * width + xi) * 3 + c]!);
        const top = sample(x0, y0) * (1 - fx) + sample(x0 + 1, y0) * fx;
        const bottom = sample(x0, y0 + 1) * (1 - fx) + sample(x0 + 1, y0 + 1) * fx;
        out[base + c * plane + v * size + u] = ((top * (1 - fy) + bottom * fy) / 255) * 2 - 1;
      }
    }
  }
}
