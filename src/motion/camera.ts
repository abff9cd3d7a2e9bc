/**
 * From Θ's weak-perspective crop camera [s, tx, ty] (x̂ = s·(X_xy + t), −1..1 across the 224-px crop)
 * to the original frame: the crop maps original pixels p to crop pixels (p − centre)·scale + 112,
 * so the body's projection in original pixels is centre + k·(X_xy + t) with k = 112·s/scale pixels
 * per metre. A pinhole camera of focal length f (pixels) at the frame centre gives the same scale at
 * depth Tz = f/k, which places the body origin at T = (tx + (cx − W/2)/k, ty + (cy − H/2)/k, f/k)
 * in the camera frame (x right, y down, z forward) — exact for the body origin, weak-perspective
 * for the rest of the body, as the network assumes.
 */
import type { CropParams } from '../domain.js';
import type { Vector3 } from '../util/rotation.js';

const HALF_CROP_PX = 112;

export interface FrameSize {
  width: number;
  height: number;
}

/**
 * The focal length used when none is given: the frame diagonal in pixels (a 53° diagonal field of
 * view, between a phone's wide camera and a normal lens). Depth scales with it; poses do not.
 */
export function defaultFocalLength(frame: FrameSize): number {
  return Math.hypot(frame.width, frame.height);
}

/** Camera-frame position of the body model's origin for one frame (metres). */
export function cameraTranslation(camera: ArrayLike<number>, crop: CropParams, frame: FrameSize, focalLength: number): Vector3 {
  const k = pixelsPerMetre(camera, crop);
  return [camera[1]! + (crop.centerX - frame.width / 2) / k, camera[2]! + (crop.centerY - frame.height / 2) / k, focalLength / k];
}

/**
 * VIBE's `orig_cam` [sx, sy, tx, ty]: the same weak-perspective camera in the whole frame's
 * normalised coordinates (−1..1 across width and height), as VIBE's convert_crop_cam_to_orig_img
 * computes it from a square box of side 224/scale pixels.
 */
export function originalFrameCamera(camera: ArrayLike<number>, crop: CropParams, frame: FrameSize): [number, number, number, number] {
  const box = (2 * HALF_CROP_PX) / crop.scale;
  const sx = camera[0]! * (box / frame.width);
  const sy = camera[0]! * (box / frame.height);
  const halfW = frame.width / 2;
  const halfH = frame.height / 2;
  return [sx, sy, (crop.centerX - halfW) / halfW / sx + camera[1]!, (crop.centerY - halfH) / halfH / sy + camera[2]!];
}

function pixelsPerMetre(camera: ArrayLike<number>, crop: CropParams): number {
  return (HALF_CROP_PX * camera[0]!) / crop.scale;
}
