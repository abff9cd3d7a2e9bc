/**
 * VideoPose3D's Human3.6M files: data_3d_h36m.npz holds `positions_3d`, a pickled dict subject →
 * action → (T, 32, 3) WORLD positions in metres; data_2d_h36m_<detector>.npz holds `positions_2d`
 * subject → action → 4 cameras of (T, 17, 2) pixels. World → camera needs each camera's
 * extrinsics (Human3.6M's metadata; VideoPose3D keeps them in its source), which the user supplies
 * as JSON: { "S9": [{ "id": "54138969", "orientation": [w, x, y, z], "translation": [x, y, z] (mm) }, ×4], … }.
 * X_cam = q⁻¹ ⊗ (X − t) ⊗ q, as VideoPose3D's world_to_camera. One tube per camera; where the 2D
 * clip is shorter than the 3D one (a few clips differ by frames), both are cut to the shorter.
 */
import { dirname, join } from 'node:path';
import { BadInputFileError } from '../errors.js';
import { H36M17_JOINT_SET, type GroundTruthFrame, type GroundTruthTubeToStore } from '../store/ground-truth.js';
import { isPyDict, type PyDict, type PyValue } from '../util/pickle.js';
import type { DatasetImportOptions, ImportedSequence } from './dataset-format.js';
import { H36M17_FROM_MOCAP32, H36M17_JOINT_COUNT, h36mSplit, H36M_FPS, LSP14_FROM_H36M17 } from './h36m-protocol.js';
import { readDatasetNpz } from './read/dataset-npz.js';
import { checkedFloats, readInputBytes } from './read/fields.js';
import { tubeFramesFromKeypoints } from './tube-frames.js';

interface CameraExtrinsics {
  id: string;
  orientation: [number, number, number, number];
  /** Metres. */
  translation: [number, number, number];
}

const LSP_COUNT = LSP14_FROM_H36M17.length;

export function readVideoPose3d(file: string, options: DatasetImportOptions): ImportedSequence[] {
  const positions3d = dictAt(readDatasetNpz(file).value('positions_3d'), file, 'positions_3d');
  const file2d = join(dirname(file), `data_2d_h36m_${options.detector ?? 'gt'}.npz`);
  const positions2d = dictAt(readDatasetNpz(file2d).value('positions_2d'), file2d, 'positions_2d');
  const camerasFile = options.cameras ?? join(dirname(file), 'cameras.json');
  const cameras = readCameras(camerasFile);
  const sequences: ImportedSequence[] = [];
  for (const [subject, actions] of positions3d) {
    const subjectName = String(subject);
    const split = h36mSplit(subjectName, file);
    const subjectCameras = cameras.get(subjectName);
    if (!subjectCameras) throw new BadInputFileError(camerasFile, `no cameras for subject ${subjectName}`);
    for (const [action, value] of dictAt(actions, file, `positions_3d['${subjectName}']`)) {
      const key = `positions_3d['${subjectName}']['${String(action)}']`;
      const world = checkedFloats(value, [undefined, 32, 3], (problem) => failKey(file, key, problem));
      const key2d = `positions_2d['${subjectName}']['${String(action)}']`;
      const views = dictAt(positions2d.get(subject), file2d, `positions_2d['${subjectName}']`).get(action);
      if (!Array.isArray(views) || views.length !== subjectCameras.length) failKey(file2d, key2d, `expected a list of ${subjectCameras.length} cameras`);
      const name = `h36m/${subjectName}/${String(action)}`;
      const tubes = subjectCameras.map((camera, k): GroundTruthTubeToStore => {
        const pixels = checkedFloats((views as PyValue[])[k], [undefined, 17, 2], (problem) => failKey(file2d, `${key2d}[${k}]`, problem));
        const frameCount = Math.min(world.shape[0]!, pixels.shape[0]!);
        const frameIndices = Array.from({ length: frameCount }, (_, f) => f);
        const keypoints = frameIndices.map((f) => {
          const points = new Float32Array(LSP_COUNT * 3);
          LSP14_FROM_H36M17.forEach((joint, j) => points.set([pixels.values[(f * 17 + joint) * 2]!, pixels.values[(f * 17 + joint) * 2 + 1]!, 1], j * 3));
          return points;
        });
        // All 17 evaluation joints are stored (protocols 1 and 2 score them); training and the LSP-14 eval pick 14.
        const groundTruth = frameIndices.map((f): GroundTruthFrame => {
          const joints3d = new Float32Array(H36M17_JOINT_COUNT * 3);
          H36M17_FROM_MOCAP32.forEach((mocapJoint, j) => {
            const at = (f * 32 + mocapJoint) * 3;
            joints3d.set(worldToCamera(camera, [world.values[at]!, world.values[at + 1]!, world.values[at + 2]!]), j * 3);
          });
          return { frameIndex: f, joints3d };
        });
        return {
          name: `${name}/${camera.id}`,
          take: name,
          trackId: k,
          keypointFormat: 'lsp14',
          tier: 'mocap3d',
          split,
          fps: H36M_FPS,
          frames: tubeFramesFromKeypoints(frameIndices, keypoints, file2d, key2d),
          jointSet: H36M17_JOINT_SET,
          groundTruth,
        };
      });
      sequences.push({ name, split, tubes });
    }
  }
  return sequences;
}

function failKey(file: string, key: string, problem: string): never {
  throw new BadInputFileError(file, `key ${key}: ${problem}`);
}

function dictAt(value: PyValue, file: string, key: string): PyDict {
  if (!isPyDict(value)) failKey(file, key, 'expected a dict');
  return value as PyDict;
}

function readCameras(path: string): Map<string, CameraExtrinsics[]> {
  let document: unknown;
  try {
    document = JSON.parse(readInputBytes(path).toString('utf8'));
  } catch (error) {
    if (error instanceof BadInputFileError) {
      throw new BadInputFileError(path, `${error.reason}: VideoPose3D's 3D positions are world coordinates, so hmmr needs each camera's extrinsics (docs/datasets.md, --cameras)`);
    }
    throw new BadInputFileError(path, `invalid JSON (${(error as Error).message})`);
  }
  if (typeof document !== 'object' || document === null) throw new BadInputFileError(path, 'expected { "<subject>": [cameras] }');
  const cameras = new Map<string, CameraExtrinsics[]>();
  for (const [subject, list] of Object.entries(document)) {
    if (!Array.isArray(list)) throw new BadInputFileError(path, `${subject}: expected a list of cameras`);
    cameras.set(
      subject,
      list.map((camera: { id?: unknown; orientation?: unknown; translation?: unknown }, k) => {
        const numbers = (value: unknown, length: number, what: string): number[] => {
          if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
            throw new BadInputFileError(path, `${subject}[${k}].${what}: expected ${length} numbers`);
          }
          return value as number[];
        };
        const [w, x, y, z] = numbers(camera.orientation, 4, 'orientation');
        const [tx, ty, tz] = numbers(camera.translation, 3, 'translation');
        return { id: String(camera.id ?? k), orientation: [w!, x!, y!, z!], translation: [tx! / 1000, ty! / 1000, tz! / 1000] };
      }),
    );
  }
  return cameras;
}

/** Rotates X − t by the inverse of the camera's orientation quaternion. */
function worldToCamera(camera: CameraExtrinsics, point: [number, number, number]): [number, number, number] {
  const [w, qx, qy, qz] = camera.orientation;
  const v = [point[0] - camera.translation[0], point[1] - camera.translation[1], point[2] - camera.translation[2]] as const;
  // Inverse rotation: conjugate quaternion (w, −q). v' = v + 2w(u × v) + 2u × (u × v) with u = −q.
  const u = [-qx, -qy, -qz] as const;
  const uv = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]] as const;
  const uuv = [u[1] * uv[2] - u[2] * uv[1], u[2] * uv[0] - u[0] * uv[2], u[0] * uv[1] - u[1] * uv[0]] as const;
  return [v[0] + 2 * (w * uv[0] + uuv[0]), v[1] + 2 * (w * uv[1] + uuv[1]), v[2] + 2 * (w * uv[2] + uuv[2])];
}
