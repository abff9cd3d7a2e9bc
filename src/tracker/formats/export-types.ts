/** What the exchange-format writers need to know, independent of where it was read from. */

export interface ExportVideo {
  /** Short name used in file names inside the export, e.g. the video's base name without extension. */
  name: string;
  width: number;
  height: number;
  frameCount: number;
  fps: number;
}

/** One person in one frame. */
export interface ExportPose {
  frameIndex: number;
  /** Flat x, y, confidence in the video's pixels, in the export's keypoint format. */
  keypoints: Float32Array;
  score: number;
  /** Present when the pose belongs to a track. */
  trackId?: number;
}

/** `<name>/<6-digit frame>.jpg`: the frame image path convention of PoseTrack-style files. */
export function frameImageName(video: ExportVideo, frameIndex: number): string {
  return `${video.name}/${String(frameIndex).padStart(6, '0')}.jpg`;
}
