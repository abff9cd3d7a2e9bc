/** Side of the square crop the network sees, in pixels (the camera maps [-1, 1] onto it). */
export const CROP_SIZE_PX = 224;

/**
 * Θ's weak-perspective camera [s, tx, ty] (spec B1): x̂ = s·(X_xy + t) in the crop's normalised
 * coordinates, where −1..1 spans the 224-px crop. These helpers convert between that camera, the
 * crop (CropParams: centre and original-px → crop-px scale) and a placement of the body in the
 * original frame (pixels per metre and the frame position of the body origin).
 */
const HALF_CROP = CROP_SIZE_PX / 2;

/** The crop camera of a body placed at `origin` with `pixelsPerMetre` in a frame cropped by `crop`. */
export function cameraForCrop(
  pixelsPerMetre: number,
  originX: number,
  originY: number,
  crop: { centerX: number; centerY: number; scale: number },
): Float32Array {
  return Float32Array.of(
    (pixelsPerMetre * crop.scale) / HALF_CROP,
    (originX - crop.centerX) / pixelsPerMetre,
    (originY - crop.centerY) / pixelsPerMetre,
  );
}

/**
 * Projects frames × J × 3 joints with one camera per frame (frames × 3) into crop pixels
 * (frames × J × 2): (s·(X + t) + 1) · 112.
 */
export function projectToCrop(joints3d: ArrayLike<number>, cameras: ArrayLike<number>, jointCount: number): Float64Array {
  const frames = cameras.length / 3;
  const out = new Float64Array(frames * jointCount * 2);
  for (let f = 0; f < frames; f++) {
    const [s, tx, ty] = [cameras[f * 3]!, cameras[f * 3 + 1]!, cameras[f * 3 + 2]!];
    for (let j = 0; j < jointCount; j++) {
      const i = f * jointCount + j;
      out[i * 2] = (s * (joints3d[i * 3]! + tx) + 1) * HALF_CROP;
      out[i * 2 + 1] = (s * (joints3d[i * 3 + 1]! + ty) + 1) * HALF_CROP;
    }
  }
  return out;
}
