/**
 * COCO keypoints layout (the dataset/"ground truth" style: images, annotations, categories), one
 * image per processed frame. Points map to COCO's 17 by name; the neck and feet have no COCO slot.
 * Visibility is 2 for a detected point and 0 otherwise (COCO never learns our confidences).
 */
import type { KeypointFormat } from '../../domain.js';
import { frameImageName, type ExportPose, type ExportVideo } from './export-types.js';
import { roundTo, shortestFloat32 } from './json-numbers.js';
import { COCO17_LAYOUT, layoutPose, layoutSourceIndices, withVisibilityFlags } from './keypoint-layouts.js';

export function cocoKeypointsDocument(
  video: ExportVideo,
  format: KeypointFormat,
  frameIndices: readonly number[],
  poses: readonly ExportPose[],
): object {
  const sources = layoutSourceIndices(format, COCO17_LAYOUT);
  return {
    info: { description: `hmmr export of ${video.name}`, keypoint_format: format.name, fps: video.fps },
    images: frameIndices.map((frameIndex) => ({
      id: frameIndex,
      file_name: frameImageName(video, frameIndex),
      width: video.width,
      height: video.height,
      frame_index: frameIndex,
    })),
    annotations: poses.map((pose, i) => {
      const { values, bbox, detected } = layoutPose(pose.keypoints, sources);
      return {
        id: i + 1,
        image_id: pose.frameIndex,
        category_id: 1,
        keypoints: withVisibilityFlags(values, 2),
        num_keypoints: detected,
        bbox,
        area: roundTo(bbox[2]! * bbox[3]!, 3),
        iscrowd: 0,
        score: shortestFloat32(pose.score),
        ...(pose.trackId !== undefined ? { track_id: pose.trackId } : {}),
      };
    }),
    categories: [
      { id: 1, name: 'person', supercategory: 'person', keypoints: COCO17_LAYOUT.keypoints, skeleton: COCO17_LAYOUT.skeleton },
    ],
  };
}
