/**
 * Generates hmmr's stand-in body model (SMPL's licence forbids shipping SMPL): the SMPL layout
 * (24 joints on SMPL's tree, 10 shape and 207 pose blend directions, skinning weights, a joint
 * regressor, keypoint regressors for hmmr25, lsp14, coco18 and body25) filled procedurally.
 * Deterministic: the same code gives the same arrays.
 *
 * - Shape directions are central differences of the whole mesh with respect to the ten body
 *   measurements of skeleton.ts (β = 1 is about one standard deviation of each).
 * - Pose blend shapes are a small procedural corrective: around each joint j, vertices blended
 *   between j and its parent move by POSE_CORRECTIVE · b · (R_j − I)(v − J_j), b = 1 at the joint
 *   falling to 0 where the blend ends. This is linear in (R_j − I), so it fits SMPL's posedirs, and
 *   it mirrors with the body, so flipping a pose flips the mesh exactly.
 * - Joints and joint-like keypoints are centroids of rings centred on them; face, toe and heel
 *   keypoints are barycentric points on the nearest triangle of their part.
 */
import { KEYPOINT_SETS, SMPL_JOINT_COUNT, SMPL_JOINT_NAMES, SMPL_PARENTS, SMPL_SHAPE_SIZE } from '../joint-sets.js';
import { POSE_FEATURE_SIZE, type BodyModelData } from '../model-data.js';
import { buildBodyMesh, type BodyMesh } from './body-mesh.js';
import { NEUTRAL_BODY, SHAPE_DIRECTIONS, type Vec3 } from './skeleton.js';
import { add, cross, dot, scale, sub } from './tube-mesh.js';

export const STANDIN_NAME = 'hmmr-standin';

/** Corrective strength: at a 90° bend a vertex 5 cm from the joint moves by about 7 mm. */
const POSE_CORRECTIVE = 0.15;

/** Joint → rings whose vertices' mean is the joint (left and centre; right is derived). */
const JOINT_RINGS: Record<string, string[]> = {
  pelvis: ['torso.pelvis'],
  left_hip: ['left_thigh.start'],
  spine1: ['torso.spine1'],
  left_knee: ['left_thigh.end', 'left_shin.start'],
  spine2: ['torso.spine2'],
  left_ankle: ['left_shin.end'],
  spine3: ['torso.spine3'],
  left_foot: ['left_foot.end', 'left_toes.start'],
  neck: ['neck.start', 'torso.neck'],
  left_collar: ['left_collar.start'],
  head: ['neck.end'],
  left_shoulder: ['left_collar.end', 'left_upper_arm.start'],
  left_elbow: ['left_upper_arm.end', 'left_forearm.start'],
  left_wrist: ['left_forearm.end', 'left_hand.start'],
  left_hand: ['left_hand.end', 'left_fingers.start'],
};

type KeypointSource =
  | { rings: string[] }
  | { pole: string }
  | { surface: string; target: (mesh: BodyMesh, joints: Vec3[]) => Vec3 }
  | { average: string[] };

const jointIndex = (name: string) => SMPL_JOINT_NAMES.indexOf(name as (typeof SMPL_JOINT_NAMES)[number]);
const headCentre = (joints: Vec3[]): Vec3 => add(joints[jointIndex('head')]!, [0, 0.09, 0.005]);

/** Where each keypoint (left and centre names) comes from, on the neutral mesh. */
const KEYPOINT_SOURCES: Record<string, KeypointSource> = {
  left_ankle: { rings: ['left_shin.end'] },
  left_foot_ankle: { rings: ['left_shin.end'] },
  left_knee: { rings: ['left_thigh.end', 'left_shin.start'] },
  left_hip: { rings: ['left_thigh.start'] },
  left_wrist: { rings: JOINT_RINGS.left_wrist! },
  left_elbow: { rings: JOINT_RINGS.left_elbow! },
  left_shoulder: { rings: JOINT_RINGS.left_shoulder! },
  neck: { rings: JOINT_RINGS.neck! },
  head_top: { pole: 'head.top' },
  nose: { surface: 'head', target: (_, joints) => add(headCentre(joints), [0, -0.025, 0.092]) },
  left_eye: { surface: 'head', target: (_, joints) => add(headCentre(joints), [0.033, 0.012, 0.084]) },
  left_ear: { surface: 'head', target: (_, joints) => add(headCentre(joints), [0.079, -0.005, -0.005]) },
  left_big_toe: { surface: 'left_toes', target: (_, joints) => add(joints[jointIndex('left_foot')]!, [-0.015, -0.01, 0.075]) },
  left_small_toe: { surface: 'left_toes', target: (_, joints) => add(joints[jointIndex('left_foot')]!, [0.035, -0.01, 0.05]) },
  left_heel: { surface: 'left_foot', target: (_, joints) => add(joints[jointIndex('left_ankle')]!, [0, -0.075, -0.1]) },
  mid_hip: { average: ['left_hip', 'right_hip'] },
};

export function generateStandinBodyModel(): BodyModelData {
  const neutral = buildBodyMesh(NEUTRAL_BODY);
  const vertexCount = neutral.positions.length;
  const vTemplate = Float32Array.from(neutral.positions.flat());

  const shapeDirs = new Float32Array(vertexCount * 3 * SMPL_SHAPE_SIZE);
  SHAPE_DIRECTIONS.forEach(({ param, perUnit }, s) => {
    const plus = buildBodyMesh({ ...NEUTRAL_BODY, [param]: NEUTRAL_BODY[param] + perUnit }).positions;
    const minus = buildBodyMesh({ ...NEUTRAL_BODY, [param]: NEUTRAL_BODY[param] - perUnit }).positions;
    for (let v = 0; v < vertexCount; v++) {
      for (let c = 0; c < 3; c++) shapeDirs[(v * 3 + c) * SMPL_SHAPE_SIZE + s] = (plus[v]![c]! - minus[v]![c]!) / 2;
    }
  });

  const skinWeights = new Float32Array(vertexCount * SMPL_JOINT_COUNT);
  neutral.weights.forEach((w, v) => w.forEach((weight, joint) => (skinWeights[v * SMPL_JOINT_COUNT + joint] = weight)));

  const jointRegressor = new Float32Array(SMPL_JOINT_COUNT * vertexCount);
  SMPL_JOINT_NAMES.forEach((name, j) => {
    const rings = JOINT_RINGS[name] ?? JOINT_RINGS[name.replace(/^right_/, 'left_')]!.map((ring) => ring.replace(/^left_/, 'right_'));
    jointRegressor.set(ringMean(neutral, rings), j * vertexCount);
  });
  const restJoints = regress(jointRegressor, vTemplate, SMPL_JOINT_COUNT, vertexCount);

  const keypointRows = keypointRegressorRows(neutral, restJoints);
  const keypointRegressors = new Map<string, { count: number; weights: Float32Array }>();
  for (const [set, names] of Object.entries(KEYPOINT_SETS)) {
    const weights = new Float32Array(names.length * vertexCount);
    names.forEach((name, k) => weights.set(keypointRows(name), k * vertexCount));
    keypointRegressors.set(set, { count: names.length, weights });
  }

  return {
    name: STANDIN_NAME,
    vertexCount,
    vTemplate,
    shapeDirs,
    poseDirs: poseCorrectives(neutral, restJoints),
    jointRegressor,
    skinWeights,
    parents: Int32Array.from(SMPL_PARENTS),
    faces: Uint32Array.from(neutral.faces.flat()),
    keypointRegressors,
  };
}

function ringMean(mesh: BodyMesh, ringNames: readonly string[]): Float32Array {
  const row = new Float32Array(mesh.positions.length);
  const vertices = ringNames.flatMap((name) => {
    const ring = mesh.rings.get(name);
    if (!ring) throw new Error(`stand-in has no ring '${name}'`);
    return ring;
  });
  for (const v of vertices) row[v]! += 1 / vertices.length;
  return row;
}

function regress(regressor: Float32Array, vertices: Float32Array, rows: number, vertexCount: number): Vec3[] {
  return Array.from({ length: rows }, (_, r) => {
    const out: Vec3 = [0, 0, 0];
    for (let v = 0; v < vertexCount; v++) {
      const weight = regressor[r * vertexCount + v]!;
      if (weight !== 0) for (let c = 0; c < 3; c++) out[c] += weight * vertices[v * 3 + c]!;
    }
    return out;
  });
}

/** name → regressor row; right-side names are the mirror of their left twin. */
function keypointRegressorRows(mesh: BodyMesh, joints: Vec3[]): (name: string) => Float32Array {
  const cache = new Map<string, Float32Array>();
  const mirrored = (row: Float32Array) => {
    const out = new Float32Array(row.length);
    row.forEach((weight, v) => (out[mesh.mirrorOf[v]!] = weight));
    return out;
  };
  const rowFor = (name: string): Float32Array => {
    const cached = cache.get(name);
    if (cached) return cached;
    let row: Float32Array;
    if (name.startsWith('right_')) {
      row = mirrored(rowFor('left_' + name.slice('right_'.length)));
    } else {
      const source = KEYPOINT_SOURCES[name];
      if (!source) throw new Error(`stand-in has no definition for keypoint '${name}'`);
      if ('rings' in source) row = ringMean(mesh, source.rings);
      else if ('pole' in source) row = poleRow(mesh, source.pole);
      else if ('average' in source) row = averageRows(source.average.map(rowFor));
      else row = surfacePoint(mesh, source.surface, source.target(mesh, joints));
      // A centre keypoint must be its own mirror image, so flips stay exact.
      if (!name.startsWith('left_')) row = averageRows([row, mirrored(row)]);
    }
    cache.set(name, row);
    return row;
  };
  return rowFor;
}

function poleRow(mesh: BodyMesh, name: string): Float32Array {
  const row = new Float32Array(mesh.positions.length);
  row[mesh.poles.get(name)!] = 1;
  return row;
}

function averageRows(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows[0]!.length);
  for (const row of rows) row.forEach((weight, v) => (out[v]! += weight / rows.length));
  return out;
}

/** Barycentric weights of the point nearest `target` on the part's triangle closest to it. */
function surfacePoint(mesh: BodyMesh, part: string, target: Vec3): Float32Array {
  const faces = mesh.partFaces.get(part);
  if (!faces) throw new Error(`stand-in has no part '${part}'`);
  const centroid = (face: readonly number[]) => scale(face.map((v) => mesh.positions[v]!).reduce(add), 1 / 3);
  const distance = (face: readonly number[]) => {
    const d = sub(centroid(face), target);
    return dot(d, d);
  };
  const face = faces.reduce((best, candidate) => (distance(candidate) < distance(best) ? candidate : best));
  const [a, b, c] = face.map((v) => mesh.positions[v]!) as [Vec3, Vec3, Vec3];
  const normal = cross(sub(b, a), sub(c, a));
  const area = dot(normal, normal);
  // Barycentric coordinates of the target's projection onto the triangle's plane, clamped inside.
  const raw = [cross(sub(c, b), sub(target, b)), cross(sub(a, c), sub(target, c)), cross(sub(b, a), sub(target, a))].map(
    (edge) => Math.max(0, dot(edge, normal) / area),
  );
  const total = raw.reduce((sum, value) => sum + value, 0);
  const row = new Float32Array(mesh.positions.length);
  face.forEach((v, i) => (row[v]! += raw[i]! / total));
  return row;
}

/** posedirs [V, 3, 207] (see the file comment). */
function poseCorrectives(mesh: BodyMesh, joints: Vec3[]): Float32Array {
  const out = new Float32Array(mesh.positions.length * 3 * POSE_FEATURE_SIZE);
  mesh.positions.forEach((position, v) => {
    const weights = mesh.weights[v]!;
    for (let j = 1; j < SMPL_JOINT_COUNT; j++) {
      const blend = 2 * Math.min(weights.get(j) ?? 0, weights.get(SMPL_PARENTS[j]!) ?? 0);
      if (blend === 0) continue;
      const offset = sub(position, joints[j]!);
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          out[(v * 3 + a) * POSE_FEATURE_SIZE + (j - 1) * 9 + a * 3 + b] = POSE_CORRECTIVE * blend * offset[b]!;
        }
      }
    }
  });
  return out;
}
