/**
 * Detections as OpenPose writes them with --write_json: one file per processed frame named
 * <video name>_<12-digit frame index>_keypoints.json, holding {"version": 1.3, "people": [...]} with
 * pose_keypoints_2d as flat x, y, confidence triples in original video pixels (0, 0, 0 where a
 * keypoint is missing) and the empty face/hand/3D arrays OpenPose always includes, so tools that read
 * OpenPose output read these too. (Exporting the store's label runs is pipeline/export-openpose.ts.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoseFrame } from '../domain.js';

export interface OpenPoseFrameJson {
  version: 1.3;
  people: {
    person_id: number[];
    pose_keypoints_2d: number[];
    face_keypoints_2d: number[];
    hand_left_keypoints_2d: number[];
    hand_right_keypoints_2d: number[];
    pose_keypoints_3d: number[];
    face_keypoints_3d: number[];
    hand_left_keypoints_3d: number[];
    hand_right_keypoints_3d: number[];
  }[];
}

export function openPoseFileName(videoName: string, frameIndex: number): string {
  return `${videoName}_${String(frameIndex).padStart(12, '0')}_keypoints.json`;
}

/** Three decimals: a thousandth of a pixel, and of a confidence, is below any detector's precision. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function openPoseFrameJson(frame: PoseFrame): OpenPoseFrameJson {
  return {
    version: 1.3,
    people: frame.people.map((person) => ({
      person_id: [-1],
      pose_keypoints_2d: Array.from(person.keypoints, round3),
      face_keypoints_2d: [],
      hand_left_keypoints_2d: [],
      hand_right_keypoints_2d: [],
      pose_keypoints_3d: [],
      face_keypoints_3d: [],
      hand_left_keypoints_3d: [],
      hand_right_keypoints_3d: [],
    })),
  };
}

/** Writes one JSON file per frame into outDir (created if needed); returns the number of files. */
export function writeOpenPoseFrames(frames: readonly PoseFrame[], videoName: string, outDir: string): number {
  mkdirSync(outDir, { recursive: true });
  for (const frame of frames) {
    writeFileSync(join(outDir, openPoseFileName(videoName, frame.frameIndex)), JSON.stringify(openPoseFrameJson(frame)));
  }
  return frames.length;
}
