/**
 * Draws people onto a frame: limbs and keypoints of every detection, and for tracked people their
 * smoothed box and track id in the track's own colour. Untracked detections are grey.
 */
import type { Box, KeypointFormat } from '../domain.js';
import { drawDigits, textSize } from './digit-font.js';
import { drawDot, drawLine, drawRect, fillRect, type Rgb, type RgbImage } from './raster.js';

export interface OverlayPerson {
  /** Flat x, y, confidence in ORIGINAL video pixels. */
  keypoints: Float32Array;
  trackId?: number;
  /** Smoothed tube box, original pixels. */
  box?: Box;
  /** Overrides the track's colour (predicted skeletons). */
  color?: Rgb;
}

const UNTRACKED: Rgb = [160, 160, 160];
const LABEL_TEXT: Rgb = [255, 255, 255];
const LABEL_BACKGROUND: Rgb = [0, 0, 0];

/** Well-separated colours for consecutive ids: hue steps by the golden angle. */
export function trackColor(trackId: number): Rgb {
  const hue = (trackId * 137.508) % 360;
  const c = 0.85;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const [r, g, b] = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
  const m = 0.15;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** `scale` maps original pixels to image pixels (the frame source's DecodedFrame.scale). */
export function drawPoseOverlay(image: RgbImage, people: readonly OverlayPerson[], format: KeypointFormat, scale: number): void {
  const thickness = Math.max(2, Math.round(Math.min(image.width, image.height) / 240));
  for (const person of people) {
    const color = person.color ?? (person.trackId === undefined ? UNTRACKED : trackColor(person.trackId));
    const kp = person.keypoints;
    for (const [a, b] of format.limbs) {
      if (!(kp[3 * a + 2]! > 0) || !(kp[3 * b + 2]! > 0)) continue;
      drawLine(image, kp[3 * a]! * scale, kp[3 * a + 1]! * scale, kp[3 * b]! * scale, kp[3 * b + 1]! * scale, thickness, color);
    }
    for (let i = 0; i < kp.length; i += 3) {
      if (kp[i + 2]! > 0) drawDot(image, kp[i]! * scale, kp[i + 1]! * scale, thickness * 2, color);
    }
    if (person.box) {
      const { x, y, width, height } = person.box;
      drawRect(image, x * scale, y * scale, width * scale, height * scale, Math.max(1, thickness - 1), color);
    }
    if (person.trackId !== undefined) drawLabel(image, String(person.trackId), labelAnchor(person, scale), thickness, color);
  }
}

/** Above the box when there is one, else above the highest keypoint. */
function labelAnchor(person: OverlayPerson, scale: number): [number, number] {
  if (person.box) return [person.box.x * scale, person.box.y * scale];
  let top: [number, number] = [Infinity, Infinity];
  const kp = person.keypoints;
  for (let i = 0; i < kp.length; i += 3) if (kp[i + 2]! > 0 && kp[i + 1]! < top[1]) top = [kp[i]!, kp[i + 1]!];
  return [top[0] * scale, top[1] * scale];
}

function drawLabel(image: RgbImage, text: string, [x, y]: [number, number], thickness: number, color: Rgb): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  const pixelSize = thickness + 1;
  const size = textSize(text, pixelSize);
  const pad = pixelSize;
  const left = Math.max(0, Math.min(image.width - size.width - 2 * pad, x));
  const top = Math.max(0, y - size.height - 2 * pad);
  fillRect(image, left, top, left + size.width + 2 * pad, top + size.height + 2 * pad, LABEL_BACKGROUND);
  fillRect(image, left, top, left + size.width + 2 * pad, top + pad / 2, color);
  drawDigits(image, text, left + pad, top + pad, pixelSize, LABEL_TEXT);
}
