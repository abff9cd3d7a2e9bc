/**
 * The values the dataset fixtures hold, as formulas. The fixture writer and the tests both use
 * these; hmmr's readers never do, so a test's expected values never come from the code under test.
 * Every value is a multiple of 1/1024 (exact in float32 and in the eval file's 1 µm rounding).
 */

/** 3DPW: 2 actors × 4 frames, sequence 'courtyard_fixture_00' in the test split. */
export const TDPW = {
  sequence: 'courtyard_fixture_00',
  frames: 4,
  actors: 2,
  genders: ['m', 'f'],
  imgFrameIds: [0, 1, 2, 3],
  /** campose_valid per actor per frame. */
  camposeValid: [
    [1, 1, 0, 1],
    [1, 1, 1, 1],
  ],
  /** World position of SMPL joint j (axis a) of actor n at frame f, metres. */
  jointWorld: (n: number, f: number, j: number, a: number) => n * 0.5 + j * 0.03125 + f * 0.0078125 + (a === 1 ? 0.25 : a === 2 ? -0.125 : 0),
  /** World→camera rotation: identity on even frames, 90° about +y on odd frames (row-major). */
  cameraRotation: (f: number): number[] => (f % 2 === 0 ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : [0, 0, 1, 0, 1, 0, -1, 0, 0]),
  cameraTranslation: (f: number): number[] => [0.5, -0.25, 3 + f * 0.125],
  intrinsics: [1961, 0, 540, 0, 1969, 960, 0, 0, 1],
  /** poses[n][f]: root axis-angle 0 (so the camera-frame root is the camera rotation), others k/1024. */
  pose: (n: number, f: number, k: number) => (k < 3 ? 0 : ((k * 7 + n * 3 + f) % 64) / 1024),
  betas: (n: number, k: number) => (k + n) / 64,
  trans: (n: number, f: number, a: number) => n + f / 8 + a / 4,
  /** poses2d[n][f] is (3, 18): x, y, confidence of COCO-18 point k. */
  keypoint2d: (n: number, f: number, k: number): [number, number, number] => [300 + n * 200 + k * 8 + f, 600 + k * 16, k === 17 ? 0 : 0.75],
};

/** The 14 LSP joints as SMPL joint indices (the table; independent of the importer's). */
export const LSP_FROM_SMPL24 = [8, 5, 2, 1, 4, 7, 21, 19, 17, 16, 18, 20, 12, 15];

/** Human3.6M as VideoPose3D stores it: two (subject, action) clips of 5 frames, 4 cameras. */
export const H36M = {
  frames: 5,
  clips: [
    { subject: 'S1', action: 'Directions' },
    { subject: 'S9', action: 'Walking 1' },
  ],
  cameraIds: ['54138969', '55011271', '58860488', '60457274'],
  /** World position (metres) of mocap joint j of clip c at frame f. */
  jointWorld: (c: number, f: number, j: number, a: number) => c + j / 32 + f / 128 + (a === 2 ? 1 : 0),
  /** Camera k: orientation quaternion [w, x, y, z] and translation in millimetres (H36M's units). */
  camera: (k: number): { orientation: number[]; translation: number[] } =>
    k % 2 === 0 ? { orientation: [1, 0, 0, 0], translation: [0, 0, -4000] } : { orientation: [0, 0, 0, 1], translation: [1000, 500, -3000] },
  /** positions_2d[subject][action][camera] (T, 17, 2) pixels. */
  keypoint2d: (c: number, k: number, f: number, j: number, a: number) => 100 * (k + 1) + c * 10 + j * 4 + f + a * 300,
};

/** VideoPose3D's 17 joints as indices into the 32 mocap joints, and LSP-14 as indices into the 17. */
export const H36M17_FROM_32 = [0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27];
export const LSP_FROM_H36M17 = [3, 2, 1, 4, 5, 6, 16, 15, 14, 11, 12, 13, 8, 10];

/** A SPIN-style npz: two sequences of 3 frames each. */
export const SPIN = {
  imgnames: [
    'images/S9_Directions_1.54138969_000001.jpg',
    'images/S9_Directions_1.54138969_000006.jpg',
    'images/S9_Directions_1.54138969_000011.jpg',
    'images/S11_Walking.60457274_000001.jpg',
    'images/S11_Walking.60457274_000006.jpg',
    'images/S11_Walking.60457274_000011.jpg',
  ],
  /** S[i] (24, 4): camera-frame metres, root-centred, + confidence. */
  S: (i: number, j: number, a: number) => (a === 3 ? 1 : (i + 1) / 16 + j / 64 + a / 4),
  part: (i: number, j: number, a: number) => (a === 2 ? (j === 13 ? 0 : 1) : 50 + i * 2 + j * 4 + a * 100),
  center: (i: number) => [512 + i, 500 - i],
  scale: (i: number) => 2 + i / 8,
  pose: (i: number, k: number) => ((i + k) % 32) / 256,
  shape: (i: number, k: number) => (k - i) / 16,
};

/** PoseTrack 2018: one video, 4 frames, tracks 0 and 3 (track 3 missing on frame 2). */
export const POSETRACK = {
  video: '000001_mpii_test',
  frames: 4,
  tracks: [0, 3],
  present: (track: number, f: number) => !(track === 3 && f === 2),
  keypoint: (track: number, f: number, k: number): [number, number, number] => [400 + track * 100 + k * 6 + f, 200 + k * 12, k === 3 || k === 4 ? 0 : 1],
};

/** Penn Action: two clips of 3 frames; 0001 train (uncompressed), 0002 test (miCOMPRESSED). */
export const PENN = {
  clips: [
    { id: '0001', train: 1, action: 'tennis_serve', compressed: false },
    { id: '0002', train: -1, action: 'baseball_pitch', compressed: true },
  ],
  frames: 3,
  x: (c: number, f: number, k: number) => 100 + c * 50 + k * 10 + f,
  y: (c: number, f: number, k: number) => 200 + c * 30 + k * 20 - f,
  visibility: (c: number, f: number, k: number) => ((c + f + k) % 5 === 0 ? 0 : 1),
  bbox: (c: number, f: number): number[] => [90 + c * 50 + f, 180 - f, 240 + c * 50 + f, 460],
};

/** An SMPL-layout model as formulas: what the fixture writer pickles like the official files. */
export interface SmplFixtureModel {
  vertices: number;
  faces: number[][];
  vTemplate: (v: number, a: number) => number;
  shapedir: (v: number, a: number, k: number) => number;
  posedir: (v: number, a: number, k: number) => number;
  /** J_regressor (24, V). */
  regressor: (j: number, v: number) => number;
  weight: (v: number, j: number) => number;
  parents: number[];
}

/** A tiny SMPL-layout model pickled like the official files (chumpy arrays, sparse J_regressor). */
export const TINY_SMPL: SmplFixtureModel = {
  vertices: 6,
  faces: [
    [0, 1, 2],
    [3, 4, 5],
  ],
  vTemplate: (v: number, a: number) => v / 8 + a / 2,
  shapedir: (v: number, a: number, k: number) => (v + a + k) / 1024,
  posedir: (v: number, a: number, k: number) => ((v * 3 + a + k) % 17) / 2048,
  /** J_regressor (24, 6): joint j averages vertices j % 6 and (j + 1) % 6. */
  regressor: (j: number, v: number) => (v === j % 6 || v === (j + 1) % 6 ? 0.5 : 0),
  weight: (v: number, j: number) => (j === v % 24 ? 1 : 0),
  parents: [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21],
};

/** AMASS: one clip, 12 frames at 120 fps (SMPL-H 156 pose values). */
export const AMASS = {
  frames: 12,
  fps: 120,
  gender: 'female',
  pose: (f: number, k: number) => (k < 66 ? (((f * 5 + k) % 40) - 20) / 256 : 0.5),
  trans: (f: number, a: number) => f / 64 + a,
  betas: (k: number) => k / 32,
};

/**
 * Gendered SMPL files for 3DPW's published protocol, built so a test can pose them by hand: no pose
 * blend shapes, every joint sits on one vertex (J_regressor row j picks vertex j % 20), and each
 * vertex follows one joint — the root, or the left hip (joint 1) for vertices v % 3 = 1. The female
 * model is the male one moved 0.25 m along x, which moves every posed vertex by the same 0.25 m.
 */
export const SMPL_3DPW = {
  vertices: 20,
  /** Joint j's rest position is vertex JOINT_VERTEX(j). */
  jointVertex: (j: number) => j % 20,
  /** The one joint vertex v follows. */
  vertexJoint: (v: number) => (v % 3 === 1 ? 1 : 0),
  femaleOffset: 0.25,
  model: (gender: 'm' | 'f'): SmplFixtureModel => ({
    vertices: 20,
    faces: [
      [0, 1, 2],
      [3, 4, 5],
    ],
    vTemplate: (v, a) => v / 16 + a / 4 + (a === 0 && gender === 'f' ? SMPL_3DPW.femaleOffset : 0),
    shapedir: (v, a, k) => ((v + 2 * a + k) % 8) / 256,
    posedir: () => 0,
    regressor: (j, v) => (v === SMPL_3DPW.jointVertex(j) ? 1 : 0),
    weight: (v, j) => (j === SMPL_3DPW.vertexJoint(v) ? 1 : 0),
    parents: TINY_SMPL.parents,
  }),
  /** J_regressor_h36m (17, 20): Human3.6M joint i is vertex (3i + 1) % 20. */
  h36mVertex: (i: number) => (3 * i + 1) % 20,
  /** SPIN's H36M_TO_J14 (constants.py), written out here independently of hmmr's copy. */
  lspFromH36m: [6, 5, 4, 1, 2, 3, 16, 15, 14, 11, 12, 13, 8, 10],
};
