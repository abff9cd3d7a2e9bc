/**
 * The typed values that cross stage boundaries (see ARCHITECTURE: each arrow is one of these).
 * Keypoints are always flat Float32Array triples (x, y, confidence) in the ORIGINAL video's pixel
 * coordinates; a confidence of 0 means "not detected", and x = y = 0 there.
 */

/** Names a keypoint layout, e.g. 'coco18' or 'body25'; the layout itself lives in a descriptor. */
export type KeypointFormatName = string;

export interface KeypointFormat {
  name: KeypointFormatName;
  /** Keypoint names in channel order, e.g. ['nose', 'neck', 'right_shoulder', ...]. */
  keypoints: readonly string[];
  /** Limbs as keypoint index pairs, used for drawing and grouping. */
  limbs: readonly (readonly [number, number])[];
}

/** One detected person in one frame. */
export interface Person2D {
  /** Flat [x0, y0, c0, x1, y1, c1, ...], length = 3 × keypoint count. */
  keypoints: Float32Array;
  /** Overall person score from the grouping step. */
  score: number;
  /** Number of keypoints found (c > 0). */
  partCount: number;
}

/** Everything pose2d found in one frame. */
export interface PoseFrame {
  frameIndex: number;
  timeSec: number;
  people: Person2D[];
}

/** Axis-aligned box in original pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where the 224×224 training crop comes from: centre in original pixels and the scale factor that
 * maps original pixels to crop pixels (the person's box diagonal becomes about 150 px, spec B4).
 */
export interface CropParams {
  centerX: number;
  centerY: number;
  scale: number;
}

export interface TubeFrame {
  frameIndex: number;
  /** The detection this frame came from; undefined for a frame filled in across a gap. */
  detectionId?: number;
  /** Presentation time in the source video (absent for synthetic tubes and tubes stored before schema 2). */
  timeSec?: number;
  keypoints: Float32Array;
  box: Box;
  crop: CropParams;
}

/** The unit HMMR trains on: one person followed through consecutive frames of one shot. */
export interface Tube {
  trackId: number;
  keypointFormat: KeypointFormatName;
  frames: TubeFrame[];
}
