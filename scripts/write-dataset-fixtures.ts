/**
 * Writes small files in the public datasets' exact on-disk formats, holding the known values of
 * scripts/dataset-fixtures/known-values.ts: a Python-2 pickle (3DPW), npz archives with a pickled
 * dict inside (VideoPose3D) and with string arrays (SPIN, AMASS), MATLAB v5 files (Penn Action, one
 * plain and one zlib-compressed), PoseTrack JSON, SMPL .pkl files with chumpy arrays and a sparse
 * J_regressor (a tiny one, and a male/female pair for 3DPW's protocol) and a J_regressor_h36m .npy.
 * The output is deterministic; test/datasets/fixtures holds the committed copy and a test checks it
 * matches this script.
 *
 *   npx tsx scripts/write-dataset-fixtures.ts [out-dir]    (default test/datasets/fixtures)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy, encodeZip, makeNpyArray } from '../src/util/npz.js';
import { AMASS, H36M, PENN, POSETRACK, SMPL_3DPW, SPIN, TDPW, TINY_SMPL, type SmplFixtureModel } from './dataset-fixtures/known-values.js';
import { columnMajor, writeMat5 } from './dataset-fixtures/mat5-writer.js';
import { py, writePickle, type PyFixture } from './dataset-fixtures/py-pickle-writer.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const flat = (sizes: number[], at: (...index: number[]) => number): number[] => {
  const out: number[] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === sizes.length) return void out.push(at(...prefix));
    for (let i = 0; i < sizes[prefix.length]!; i++) walk([...prefix, i]);
  };
  walk([]);
  return out;
};

function write(dir: string, path: string, bytes: Uint8Array | string): void {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, bytes);
}

/** 3DPW sequence file: a dict of per-actor lists of float64 arrays, written by Python 2. */
export function threeDpwSequence(overrides: Record<string, PyFixture> = {}): Buffer {
  const { frames: N, actors } = TDPW;
  const perActor = (make: (n: number) => PyFixture) => py.list(range(actors).map(make));
  const entries: Record<string, PyFixture> = {
    sequence: py.str(TDPW.sequence),
    genders: py.list(TDPW.genders.map(py.str)),
    betas: perActor((n) => py.f64([10], range(10).map((k) => TDPW.betas(n, k)))),
    poses: perActor((n) => py.f64([N, 72], flat([N, 72], (f, k) => TDPW.pose(n, f, k)))),
    trans: perActor((n) => py.f64([N, 3], flat([N, 3], (f, a) => TDPW.trans(n, f, a)))),
    poses2d: perActor((n) => py.f64([N, 3, 18], flat([N, 3, 18], (f, c, k) => TDPW.keypoint2d(n, f, k)[c]!))),
    jointPositions: perActor((n) => py.f64([N, 72], flat([N, 24, 3], (f, j, a) => TDPW.jointWorld(n, f, j, a)))),
    campose_valid: perActor((n) => py.bool8([N], TDPW.camposeValid[n]!)),
    cam_poses: py.f64([N, 4, 4], flat([N, 4, 4], (f, r, c) => (r === 3 ? (c === 3 ? 1 : 0) : c === 3 ? TDPW.cameraTranslation(f)[r]! : TDPW.cameraRotation(f)[r * 3 + c]!))),
    cam_intrinsics: py.f64([3, 3], TDPW.intrinsics),
    img_frame_ids: py.i64([N], TDPW.imgFrameIds),
    ...overrides,
  };
  return writePickle(py.dict(entries), 2);
}

/** An .npy entry holding a pickled Python object (np.save of a dict with allow_pickle). */
function objectNpy(value: PyFixture): Uint8Array {
  let header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), writePickle(py.objects([], [value]), 3)]);
}

/** An .npy entry of unicode strings ('<U' + width), as numpy stores str arrays. */
function unicodeNpy(shape: number[], items: string[]): Uint8Array {
  const width = Math.max(1, ...items.map((item) => item.length));
  const shapeText = shape.length === 0 ? '' : shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<U${width}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(items.length * width * 4);
  items.forEach((item, i) => [...item].forEach((char, c) => data.writeUInt32LE(char.codePointAt(0)!, (i * width + c) * 4)));
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

const f64Npy = (shape: number[], values: number[]) => encodeNpy(makeNpyArray('float64', shape, Float64Array.from(values)));
const f32Npy = (shape: number[], values: number[]) => encodeNpy(makeNpyArray('float32', shape, Float32Array.from(values)));

export function videoPose3dFiles(): { positions3d: Buffer; positions2d: Buffer; cameras: string } {
  const T = H36M.frames;
  const bySubject = new Map<string, [string, PyFixture][]>();
  const bySubject2d = new Map<string, [string, PyFixture][]>();
  H36M.clips.forEach(({ subject, action }, c) => {
    const positions = py.f32([T, 32, 3], flat([T, 32, 3], (f, j, a) => H36M.jointWorld(c, f, j, a)));
    const cameras = py.list(range(4).map((k) => py.f32([T, 17, 2], flat([T, 17, 2], (f, j, a) => H36M.keypoint2d(c, k, f, j, a)))));
    bySubject.set(subject, [...(bySubject.get(subject) ?? []), [action, positions]]);
    bySubject2d.set(subject, [...(bySubject2d.get(subject) ?? []), [action, cameras]]);
  });
  const nested = (map: Map<string, [string, PyFixture][]>) =>
    py.dict(Object.fromEntries([...map].map(([subject, actions]) => [subject, py.dict(Object.fromEntries(actions))])));
  const metadata = py.dict({
    layout_name: py.str('h36m'),
    num_joints: py.int(17),
    keypoints_symmetry: py.list([py.list([4, 5, 6, 11, 12, 13].map(py.int)), py.list([1, 2, 3, 14, 15, 16].map(py.int))]),
  });
  const cameras: Record<string, { id: string; orientation: number[]; translation: number[] }[]> = {};
  for (const { subject } of H36M.clips) cameras[subject] = H36M.cameraIds.map((id, k) => ({ id, ...H36M.camera(k) }));
  return {
    positions3d: encodeZip([['positions_3d.npy', objectNpy(nested(bySubject))]]),
    positions2d: encodeZip([
      ['positions_2d.npy', objectNpy(nested(bySubject2d))],
      ['metadata.npy', objectNpy(metadata)],
    ]),
    cameras: JSON.stringify(cameras, null, 1) + '\n',
  };
}

export function spinNpz(): Buffer {
  const N = SPIN.imgnames.length;
  return encodeZip([
    ['imgname.npy', unicodeNpy([N], SPIN.imgnames)],
    ['center.npy', f64Npy([N, 2], range(N).flatMap(SPIN.center))],
    ['scale.npy', f64Npy([N], range(N).map(SPIN.scale))],
    ['part.npy', f64Npy([N, 24, 3], flat([N, 24, 3], SPIN.part))],
    ['S.npy', f64Npy([N, 24, 4], flat([N, 24, 4], SPIN.S))],
    ['pose.npy', f64Npy([N, 72], flat([N, 72], SPIN.pose))],
    ['shape.npy', f64Npy([N, 10], flat([N, 10], SPIN.shape))],
  ]);
}

export function poseTrackJson(): string {
  const images = range(POSETRACK.frames).map((f) => ({
    id: 10000 + f,
    file_name: `images/val/${POSETRACK.video}/${String(f).padStart(6, '0')}.jpg`,
    frame_id: 10000 + f,
    is_labeled: true,
    vid_id: POSETRACK.video,
    nframes: POSETRACK.frames,
  }));
  const annotations = range(POSETRACK.frames).flatMap((f) =>
    POSETRACK.tracks
      .filter((track) => POSETRACK.present(track, f))
      .map((track, i) => ({
        id: f * 10 + i,
        image_id: 10000 + f,
        track_id: track,
        category_id: 1,
        keypoints: range(17).flatMap((k) => POSETRACK.keypoint(track, f, k)),
        bbox: [380 + track * 100 + f, 190, 110, 210],
      })),
  );
  const names = ['nose', 'head_bottom', 'head_top', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle'];
  return JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'person', keypoints: names }] }) + '\n';
}

export function pennLabel(c: number): Buffer {
  const clip = PENN.clips[c]!;
  const N = PENN.frames;
  const matrix = (cols: number, at: (f: number, k: number) => number) => ({ kind: 'double' as const, dims: [N, cols], columnMajor: columnMajor(N, cols, at) });
  return writeMat5(
    {
      action: { kind: 'char', text: clip.action },
      pose: { kind: 'char', text: 'back' },
      x: matrix(13, (f, k) => PENN.x(c, f, k)),
      y: matrix(13, (f, k) => PENN.y(c, f, k)),
      visibility: matrix(13, (f, k) => PENN.visibility(c, f, k)),
      train: { kind: 'double', dims: [1, 1], columnMajor: [clip.train] },
      bbox: matrix(4, (f, k) => PENN.bbox(c, f)[k]!),
      dimensions: { kind: 'double', dims: [1, 3], columnMajor: [480, 640, N] },
      nframes: { kind: 'double', dims: [1, 1], columnMajor: [N] },
    },
    clip.compressed,
  );
}

/** An SMPL model .pkl as the official files are pickled (Python 2; chumpy arrays, sparse J_regressor). */
export function smplPickle(model: SmplFixtureModel): Buffer {
  const V = model.vertices;
  const ch = (value: PyFixture) => py.instance('chumpy.ch', 'Ch', py.dict({ x: value, _itr: py.none(), dterms: py.tuple([py.str('x')]) }));
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  // CSC: column by column, rows ascending within a column.
  for (let v = 0; v < V; v++) for (let j = 0; j < 24; j++) if (model.regressor(j, v) !== 0) (rows.push(j), cols.push(v), values.push(model.regressor(j, v)));
  const indptr = range(V + 1).map((v) => cols.filter((col) => col < v).length);
  const sparse = py.instance(
    'scipy.sparse.csc',
    'csc_matrix',
    py.dict({ _shape: py.tuple([py.int(24), py.int(V)]), data: py.f64([values.length], values), indices: py.i32([rows.length], rows), indptr: py.i32([V + 1], indptr), maxprint: py.int(50), format: py.str('csc') }),
  );
  const kintree = [...model.parents.map((p) => (p < 0 ? 4294967295 : p)), ...range(24)];
  return writePickle(
    py.dict({
      v_template: ch(py.f64([V, 3], flat([V, 3], model.vTemplate))),
      shapedirs: ch(py.f64([V, 3, 10], flat([V, 3, 10], model.shapedir))),
      posedirs: py.f64([V, 3, 207], flat([V, 3, 207], model.posedir)),
      J_regressor: sparse,
      weights: py.f64([V, 24], flat([V, 24], model.weight)),
      kintree_table: py.i64([2, 24], kintree),
      f: { kind: 'ndarray', code: 'u4', byteOrder: '<', shape: [model.faces.length, 3], raw: new Uint8Array(Uint32Array.from(model.faces.flat()).buffer) },
      bs_type: py.str('lrotmin'),
      bs_style: py.str('lbs'),
    }),
    2,
  );
}

/** J_regressor_h36m.npy as SPIN/VIBE ship it: float64 (17, V), here one vertex per joint. */
export function h36mRegressorNpy(): Uint8Array {
  const V = SMPL_3DPW.vertices;
  return f64Npy([17, V], flat([17, V], (i, v) => (v === SMPL_3DPW.h36mVertex(i) ? 1 : 0)));
}

export function amassNpz(): Buffer {
  const T = AMASS.frames;
  return encodeZip([
    ['trans.npy', f64Npy([T, 3], flat([T, 3], AMASS.trans))],
    ['gender.npy', unicodeNpy([], [AMASS.gender])],
    ['mocap_framerate.npy', f64Npy([], [AMASS.fps])],
    ['betas.npy', f64Npy([16], range(16).map(AMASS.betas))],
    ['dmpls.npy', f32Npy([T, 8], flat([T, 8], () => 0))],
    ['poses.npy', f64Npy([T, 156], flat([T, 156], AMASS.pose))],
  ]);
}

/** Writes every fixture under `dir`. */
export function writeDatasetFixtures(dir: string): void {
  write(dir, `3dpw/sequenceFiles/test/${TDPW.sequence}.pkl`, threeDpwSequence());
  const vp3d = videoPose3dFiles();
  write(dir, 'h36m/data_3d_h36m.npz', vp3d.positions3d);
  write(dir, 'h36m/data_2d_h36m_gt.npz', vp3d.positions2d);
  write(dir, 'h36m/cameras.json', vp3d.cameras);
  write(dir, 'h36m-spin/h36m_valid_protocol1.npz', spinNpz());
  write(dir, `posetrack/annotations/val/${POSETRACK.video}.json`, poseTrackJson());
  PENN.clips.forEach((clip, c) => write(dir, `pennaction/labels/${clip.id}.mat`, pennLabel(c)));
  write(dir, 'smpl/basicModel_tiny_lbs_10_207_0_v1.0.0.pkl', smplPickle(TINY_SMPL));
  write(dir, 'smpl-3dpw/basicModel_m_lbs_10_207_0_v1.0.0.pkl', smplPickle(SMPL_3DPW.model('m')));
  write(dir, 'smpl-3dpw/basicModel_f_lbs_10_207_0_v1.0.0.pkl', smplPickle(SMPL_3DPW.model('f')));
  write(dir, 'smpl-3dpw/J_regressor_h36m.npy', h36mRegressorNpy());
  write(dir, 'amass/CMU/01/01_01_poses.npz', amassNpz());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? 'test/datasets/fixtures');
  writeDatasetFixtures(out);
  console.log(`dataset fixtures written to ${out}`);
}
