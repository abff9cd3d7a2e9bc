/**
 * A built-in 3 × 5 pixel digit font for track ids, so overlays need no font files. Each glyph row is
 * 3 bits, most significant = leftmost pixel.
 */
import { fillRect, type Rgb, type RgbImage } from './raster.js';

const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [0b111, 0b101, 0b101, 0b101, 0b111],
  '1': [0b010, 0b110, 0b010, 0b010, 0b111],
  '2': [0b111, 0b001, 0b111, 0b100, 0b111],
  '3': [0b111, 0b001, 0b111, 0b001, 0b111],
  '4': [0b101, 0b101, 0b111, 0b001, 0b001],
  '5': [0b111, 0b100, 0b111, 0b001, 0b111],
  '6': [0b111, 0b100, 0b111, 0b101, 0b111],
  '7': [0b111, 0b001, 0b010, 0b010, 0b010],
  '8': [0b111, 0b101, 0b111, 0b101, 0b111],
  '9': [0b111, 0b101, 0b111, 0b001, 0b111],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Size in pixels of `text` drawn with `pixelSize`-px font pixels (one font pixel between glyphs). */
export function textSize(text: string, pixelSize: number): { width: number; height: number } {
  return { width: (text.length * (GLYPH_WIDTH + 1) - 1) * pixelSize, height: GLYPH_HEIGHT * pixelSize };
}

/** Draws the digits of `text` with the top-left corner at (x, y); other characters are skipped as blanks. */
export function drawDigits(image: RgbImage, text: string, x: number, y: number, pixelSize: number, color: Rgb): void {
  [...text].forEach((char, index) => {
    const glyph = GLYPHS[char];
    if (!glyph) return;
    const left = x + index * (GLYPH_WIDTH + 1) * pixelSize;
    glyph.forEach((bits, row) => {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if (!((bits >> (GLYPH_WIDTH - 1 - column)) & 1)) continue;
        const px = left + column * pixelSize;
        const py = y + row * pixelSize;
        fillRect(image, px, py, px + pixelSize, py + pixelSize, color);
      }
    });
  });
}
