/**
 * PoseTrack 2018 layout: `images` (one per processed frame, with `frame_id`, `vid_id`, `nframes`),
 * `annotations` (`image_id`, `track_id`, flat `keypoints` x, y, visibility over PoseTrack's 17 points,
 * per-point `scores`) and the person category. head_top is always undetected: no format of ours has it.
 */
import type { KeypointFormat } from '../../domain.js';
import { frameImageName, type ExportPose, type ExportVideo } from './export-types.js';
import { layoutPose, layoutSourceIndices, POSETRACK18_LAYOUT, withVisibilityFlags } from './keypoint-layouts.js';

export function poseTrackDocument(
  video: ExportVideo,
  format: KeypointFormat,
  frameIndices: readonly number[],
  poses: readonly (ExportPose & { trackId: number })[],
): object {
  const sources = layoutSourceIndices(format, POSETRACK18_LAYOUT);
  return {
    images: frameIndices.map((frameIndex) => ({
      id: frameIndex,
      frame_id: frameIndex,
      file_name: frameImageName(video, frameIndex),
      vid_id: video.name,
      nframes: video.frameCount,
      is_labeled: true,
    })),
    annotations: poses.map((pose, i) => {
      const { values, confidences, bbox } = layoutPose(pose.keypoints, sources);
      return {
        id: i + 1,
        image_id: pose.frameIndex,
        track_id: pose.trackId,
        category_id: 1,
        keypoints: withVisibilityFlags(values, 1),
        scores: confidences,
        bbox,
      };
    }),
    categories: [
      { id: 1, name: 'person', supercategory: 'person', keypoints: POSETRACK18_LAYOUT.keypoints, skeleton: POSETRACK18_LAYOUT.skeleton },
    ],
  };
}
