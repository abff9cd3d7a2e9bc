/** Pure sizing rules for decoded frames: how a source picture maps into the requested buffer. */

export interface FrameGeometryRequest {
  /** Requested output width; with only one of width/height, the other follows the aspect ratio. */
  width?: number;
  height?: number;
  /** Pad right/bottom with black so each side is a multiple of this (e.g. a network stride). */
  padToMultiple?: number;
}

export interface FrameGeometry {
  /** The scaled picture, before padding. */
  contentWidth: number;
  contentHeight: number;
  /** The buffer delivered, padding included. */
  width: number;
  height: number;
  /** Frame pixels = original pixels × scale (padding is right/bottom, so no offset). */
  scale: number;
}

export function frameGeometry(sourceWidth: number, sourceHeight: number, request: FrameGeometryRequest): FrameGeometry {
  let scale = 1;
  if (request.width !== undefined && request.height !== undefined) {
    // Both given: fit inside (aspect kept), the rest becomes padding.
    scale = Math.min(request.width / sourceWidth, request.height / sourceHeight);
  } else if (request.height !== undefined) {
    scale = request.height / sourceHeight;
  } else if (request.width !== undefined) {
    scale = request.width / sourceWidth;
  }
  const contentWidth = Math.max(1, Math.round(sourceWidth * scale));
  const contentHeight = Math.max(1, Math.round(sourceHeight * scale));
  const multiple = request.padToMultiple ?? 1;
  const boxWidth = Math.max(contentWidth, request.width ?? 0);
  const boxHeight = Math.max(contentHeight, request.height ?? 0);
  return {
    contentWidth,
    contentHeight,
    width: Math.ceil(boxWidth / multiple) * multiple,
    height: Math.ceil(boxHeight / multiple) * multiple,
    scale,
  };
}

/**
 * Subsampling to at most targetFps keeps every step-th frame, step = ⌈source/target⌉: a uniform grid,
 * so consecutive labelled frames are always the same time apart (25 → 8 fps keeps every 4th frame,
 * 6.25 fps; keeping frames 3, 3, 3, 4 apart for exactly 8 fps would put up to 33 % timing error into
 * every velocity and acceleration). undefined = every frame. The same rule is handed to ffmpeg's
 * select filter, so the indices computed here match the frames ffmpeg delivers exactly.
 */
export function subsampleStep(sourceFps: number, targetFps: number | undefined): number | undefined {
  if (targetFps === undefined || targetFps >= sourceFps) return undefined;
  // The tolerance keeps 30 → 10 fps at step 3 despite the float quotient 3.0000000000000004.
  return Math.ceil(sourceFps / targetFps - 1e-9);
}

export function isFrameKept(index: number, startFrame: number, step: number | undefined): boolean {
  if (index < startFrame) return false;
  return step === undefined || index % step === 0;
}

/**
 * ffmpeg's select expression for the frames isFrameKept(·, startFrame, ratio) keeps. ffmpeg counts
 * its output from `firstIndex` (after a seek its n restarts at 0); `withFirst` also passes the frame
 * at firstIndex (a resumed read's scene-score reference).
 */
export function selectFilterExpression(startFrame: number, step: number | undefined, firstIndex = 0, withFirst = false): string | undefined {
  const index = firstIndex > 0 ? `(n+${firstIndex})` : 'n';
  const terms: string[] = [];
  if (startFrame > firstIndex) terms.push(`gte(${index}\\,${startFrame})`);
  if (step !== undefined) terms.push(`not(mod(${index}\\,${step}))`);
  if (terms.length === 0) return undefined;
  const kept = terms.length === 1 ? terms[0]! : `${terms[0]}*${terms[1]}`;
  return withFirst ? `max(eq(n\\,0)\\,${kept})` : kept;
}

/** Bytes sampled per frame for the cut signal: plenty to see a cut, cheap at any resolution. */
const DIFFERENCE_SAMPLES = 16_384;

/**
 * Mean absolute difference between two frames of the same size, 0..1, on an evenly spread sample
 * of about 16k bytes (the stride is kept off multiples of 3 so every channel is sampled). A hard
 * cut scores high, motion low. Sampling keeps it well under a millisecond even at 1080p.
 */
export function frameDifference(a: Uint8Array, b: Uint8Array): number {
  let step = Math.max(1, Math.floor(a.length / DIFFERENCE_SAMPLES));
  if (step % 3 === 0) step++;
  let total = 0;
  let count = 0;
  for (let i = 0; i < a.length; i += step) {
    total += Math.abs(a[i]! - b[i]!);
    count++;
  }
  return count === 0 ? 0 : total / count / 255;
}
