/**
 * SPIN-style npz (Human3.6M as SPIN/VIBE preprocess it): per image row `imgname`, `S` (N, 24, 4)
 * camera-frame metres + confidence, `part` (N, 24, 3) pixels + visibility, optional `pose` (N, 72)
 * and `shape` (N, 10). The first 14 of SPIN's 24 joints are the LSP-14 in HMMR's order, so the
 * ground truth is exact. Rows group into sequences by image name without its _<frame>.jpg suffix;
 * the frame number gives the frame index, and the step between rows the frame rate.
 */
import { basename } from 'node:path';
import { BadInputFileError } from '../errors.js';
import type { GroundTruthFrame, GroundTruthTubeToStore } from '../store/ground-truth.js';
import type { ImportedSequence } from './dataset-format.js';
import { h36mSplit, H36M_FPS } from './h36m-protocol.js';
import { readDatasetNpz } from './read/dataset-npz.js';
import { tubeFramesFromKeypoints } from './tube-frames.js';

const LSP_COUNT = 14;

export function readSpinNpz(file: string): ImportedSequence[] {
  const fields = readDatasetNpz(file);
  const names = fields.value('imgname');
  if (typeof names !== 'object' || names === null || !('kind' in names) || names.kind !== 'string-array') return fields.fail('imgname', 'expected an array of strings');
  const count = names.items.length;
  const S = fields.floats('S', [count, 24, 4]).values;
  const part = fields.floats('part', [count, 24, 3]).values;
  const pose = fields.has('pose') ? fields.floats('pose', [count, 72]).values : undefined;
  const shape = fields.has('shape') ? fields.floats('shape', [count, 10]).values : undefined;

  const groups = new Map<string, { row: number; frame: number }[]>();
  names.items.forEach((imgname, row) => {
    const match = /^(.*)_(\d+)\.\w+$/.exec(basename(imgname));
    if (!match) fields.fail('imgname', `row ${row} '${imgname}' does not end in _<frame>.<ext>`);
    const rows = groups.get(match![1]!) ?? [];
    rows.push({ row, frame: Number(match![2]) - 1 });
    groups.set(match![1]!, rows);
  });

  const source = basename(file, '.npz');
  return [...groups].map(([key, rows]): ImportedSequence => {
    rows.sort((a, b) => a.frame - b.frame);
    const subject = /^(S\d+)_/.exec(key)?.[1];
    if (!subject) throw new BadInputFileError(file, `key 'imgname': '${key}' does not start with a Human3.6M subject (S<n>_)`);
    const split = h36mSplit(subject, file);
    const step = rows.length > 1 ? rows[1]!.frame - rows[0]!.frame : 1;
    const keypoints = rows.map(({ row }) => Float32Array.from(part.subarray(row * 24 * 3, row * 24 * 3 + LSP_COUNT * 3)));
    const groundTruth = rows.map(({ row, frame }): GroundTruthFrame => {
      const joints3d = new Float32Array(LSP_COUNT * 3);
      const visible = new Uint8Array(LSP_COUNT);
      for (let j = 0; j < LSP_COUNT; j++) {
        joints3d.set(S.subarray((row * 24 + j) * 4, (row * 24 + j) * 4 + 3), j * 3);
        visible[j] = S[(row * 24 + j) * 4 + 3]! > 0 ? 1 : 0;
      }
      const truth: GroundTruthFrame = { frameIndex: frame, joints3d, visible };
      if (pose) truth.pose = Float32Array.from(pose.subarray(row * 72, (row + 1) * 72));
      if (shape) truth.shape = Float32Array.from(shape.subarray(row * 10, (row + 1) * 10));
      return truth;
    });
    const name = `h36m-spin/${source}/${key}`;
    const tube: GroundTruthTubeToStore = {
      name: `${name}/person0`,
      // SPIN's image names carry the camera after a dot (S9_Directions_1.54138268): the take is the rest.
      take: `h36m-spin/${source}/${key.replace(/\.\d+$/, '')}`,
      trackId: 0,
      keypointFormat: 'lsp14',
      tier: 'mocap3d',
      split,
      fps: H36M_FPS / Math.max(1, step),
      frames: tubeFramesFromKeypoints(rows.map((r) => r.frame), keypoints, file, `imgname '${key}'`),
      jointSet: 'lsp14',
      groundTruth,
    };
    return { name, split, tubes: [tube] };
  });
}
