/**
 * The network's output maps for one image and the mapping from their cells back to original video
 * pixels. Coordinates follow the pixel-centre convention everywhere (x = 0 is the centre of the first
 * pixel), as in OpenPose's JSON output.
 */

export interface PoseMaps {
  /** Map size in cells (network input size / stride, rounded up). */
  width: number;
  height: number;
  /** [keypoints (+ background)] × height × width, in the descriptor's channel order. */
  heatmaps: Float32Array;
  /** [PAF channels] × height × width. */
  pafs: Float32Array;
}

/** Where one network input came from. */
export interface FrameGeometry {
  /** Picture size inside the network input, in input pixels; the rest up to the map size is stride padding. */
  contentWidth: number;
  contentHeight: number;
  /** Original video frame size in pixels. */
  originalWidth: number;
  originalHeight: number;
}

/**
 * Cell c of a stride-s map covers input pixels [c·s, (c+1)·s): its centre is input position
 * (c + 0.5)·s in edge coordinates. Input edge coordinates scale to original ones by
 * original / content; subtracting 0.5 returns to pixel-centre coordinates.
 */
export function cellToOriginalPx(cell: number, stride: number, contentSize: number, originalSize: number): number {
  return ((cell + 0.5) * stride * originalSize) / contentSize - 0.5;
}

/** Cells that overlap the picture rather than only the stride padding: where peaks may be. */
export function contentCells(contentSize: number, stride: number): number {
  return Math.ceil(contentSize / stride);
}

/**
 * Geometry of a frame-source frame. The original size comes from the stored video record when known
 * (exact per axis); otherwise it is recovered from the content size and scale.
 */
export function geometryOfFrame(
  frame: { contentWidth: number; contentHeight: number; scale: number },
  original?: { width: number; height: number },
): FrameGeometry {
  return {
    contentWidth: frame.contentWidth,
    contentHeight: frame.contentHeight,
    originalWidth: original?.width ?? Math.round(frame.contentWidth / frame.scale),
    originalHeight: original?.height ?? Math.round(frame.contentHeight / frame.scale),
  };
}
