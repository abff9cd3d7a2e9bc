/**
 * Minimal drawing on packed RGB24 buffers (what the frame source delivers): clipped pixels, thick
 * lines, rectangles and filled squares. Enough for overlays without an image library.
 */

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major, R G B. */
  data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

export function setPixel(image: RgbImage, x: number, y: number, color: Rgb): void {
  const px = Math.round(x);
  const py = Math.round(y);
  if (px < 0 || py < 0 || px >= image.width || py >= image.height) return;
  const offset = (py * image.width + px) * 3;
  image.data[offset] = color[0];
  image.data[offset + 1] = color[1];
  image.data[offset + 2] = color[2];
}

/** Axis-aligned filled rectangle [x0, x1) × [y0, y1), clipped to the image. */
export function fillRect(image: RgbImage, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const left = Math.max(0, Math.round(x0));
  const top = Math.max(0, Math.round(y0));
  const right = Math.min(image.width, Math.round(x1));
  const bottom = Math.min(image.height, Math.round(y1));
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      const offset = (y * image.width + x) * 3;
      image.data[offset] = color[0];
      image.data[offset + 1] = color[1];
      image.data[offset + 2] = color[2];
    }
  }
}

/** A square dot of side `size` centred on (x, y). */
export function drawDot(image: RgbImage, x: number, y: number, size: number, color: Rgb): void {
  fillRect(image, x - size / 2, y - size / 2, x + size / 2, y + size / 2, color);
}

/** A line `thickness` px wide: dots stepped along it at sub-pixel spacing (no gaps at any angle). */
export function drawLine(image: RgbImage, x0: number, y0: number, x1: number, y1: number, thickness: number, color: Rgb): void {
  if (![x0, y0, x1, y1].every(Number.isFinite)) return;
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    drawDot(image, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, thickness, color);
  }
}

/** Outline of the box [x, x + width] × [y, y + height]. */
export function drawRect(image: RgbImage, x: number, y: number, width: number, height: number, thickness: number, color: Rgb): void {
  drawLine(image, x, y, x + width, y, thickness, color);
  drawLine(image, x + width, y, x + width, y + height, thickness, color);
  drawLine(image, x + width, y + height, x, y + height, thickness, color);
  drawLine(image, x, y + height, x, y, thickness, color);
}

/** A black image. */
export function blankImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

/** Copies `source` into `target` with its top-left corner at (left, top); it must fit. */
export function blit(target: RgbImage, source: RgbImage, left: number, top = 0): void {
  const rowBytes = source.width * 3;
  for (let y = 0; y < source.height; y++) {
    const from = y * rowBytes;
    target.data.set(source.data.subarray(from, from + rowBytes), ((top + y) * target.width + left) * 3);
  }
}
