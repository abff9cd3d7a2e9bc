/**
 * The stand-in's mesh for one set of body measurements: a mannequin of capsules (limbs, hands,
 * feet), a torso tube along the spine, a neck and an ellipsoid head, skinned to SMPL's joints.
 * The topology never depends on the measurements, so meshes for different measurements can be
 * subtracted vertex by vertex (that is how the shape directions are made). The right side is the
 * left side mirrored, vertex for vertex, so the model is exactly left/right symmetric.
 */
import { SMPL_FLIP_PERMUTATION, SMPL_JOINT_NAMES } from '../joint-sets.js';
import { mirror, unscaledJoints, type BodyParams, type Vec3 } from './skeleton.js';
import { add, lerp, ringFrame, scale, sub, tube, type JointWeights, type Pole, type Ring, type Surface } from './tube-mesh.js';

export interface BodyMesh {
  positions: Vec3[];
  faces: [number, number, number][];
  weights: JointWeights[];
  /** Vertex → its mirror image (x → −x). */
  mirrorOf: Int32Array;
  /** Named rings ('left_thigh.start', 'torso.spine1', ...), both sides. */
  rings: Map<string, number[]>;
  /** Named poles ('head.top', ...). */
  poles: Map<string, number>;
  /** Faces of each named part, for placing surface keypoints. */
  partFaces: Map<string, [number, number, number][]>;
}

const J = Object.fromEntries(SMPL_JOINT_NAMES.map((name, index) => [name, index])) as Record<(typeof SMPL_JOINT_NAMES)[number], number>;

const LIMB_SEGMENTS = 10;
const TORSO_SEGMENTS = 16;
const NECK_SEGMENTS = 12;
const HEAD_SEGMENTS = 16;
/** Fraction of a limb over which it blends into the neighbouring bone. */
const BLEND = 0.3;
const LIMB_STATIONS = [0, 0.15, 0.5, 0.85, 1];

const smooth = (x: number) => {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
};

function weights(entries: [number, number][]): JointWeights {
  return new Map(entries.filter(([, weight]) => weight > 0));
}

interface LimbSpec {
  name: string;
  owner: number;
  from: Vec3;
  to: Vec3;
  radiusStart: [number, number];
  radiusEnd: [number, number];
  startPartner?: number;
  endPartner?: number;
  /** Direction the ring's u semi-axis should take. */
  preferredU: Vec3;
}

function limbWeights(spec: LimbSpec, t: number): JointWeights {
  const start = spec.startPartner === undefined ? 0 : 0.5 * (1 - smooth(t / BLEND));
  const end = spec.endPartner === undefined ? 0 : 0.5 * smooth((t - (1 - BLEND)) / BLEND);
  return weights([
    [spec.owner, 1 - start - end],
    [spec.startPartner ?? -1, start],
    [spec.endPartner ?? -1, end],
  ]);
}

/** A capsule: stations along the bone, a half-dome cap ring and a pole beyond each end. */
function limb(spec: LimbSpec): Surface {
  const axis = sub(spec.to, spec.from);
  const length = Math.hypot(...axis);
  const direction = scale(axis, 1 / length);
  const { u, w } = ringFrame(axis, spec.preferredU);
  const radiusAt = (t: number): [number, number] => [
    spec.radiusStart[0] + (spec.radiusEnd[0] - spec.radiusStart[0]) * t,
    spec.radiusStart[1] + (spec.radiusEnd[1] - spec.radiusStart[1]) * t,
  ];
  const ring = (center: Vec3, radius: [number, number], t: number, shrink = 1): Ring => ({
    center,
    radiusU: radius[0] * shrink,
    radiusW: radius[1] * shrink,
    weights: limbWeights(spec, t),
  });
  const [r0, r1] = [radiusAt(0), radiusAt(1)];
  const capRing = (end: 0 | 1): Ring => {
    const radius = end === 0 ? r0 : r1;
    const out = scale(direction, (end === 0 ? -1 : 1) * 0.7 * Math.max(...radius));
    return ring(add(end === 0 ? spec.from : spec.to, out), radius, end, 0.7);
  };
  const pole = (end: 0 | 1): Pole => {
    const radius = end === 0 ? r0 : r1;
    const out = scale(direction, (end === 0 ? -1 : 1) * Math.max(...radius));
    return { position: add(end === 0 ? spec.from : spec.to, out), weights: limbWeights(spec, end) };
  };
  const rings = [capRing(0), ...LIMB_STATIONS.map((t) => ring(lerp(spec.from, spec.to, t), radiusAt(t), t)), capRing(1)];
  return tube(rings, u, w, LIMB_SEGMENTS, pole(0), pole(1));
}

/** Ring indices of a limb surface: [cap, t=0, ..., t=1, cap]. */
const LIMB_START_RING = 1;
const LIMB_END_RING = LIMB_STATIONS.length;

interface Assembly {
  surfaces: { name: string; surface: Surface; ringNames: Map<number, string>; poleNames: { start?: string; end?: string } }[];
}

function centreParts(joints: Vec3[], params: BodyParams): Assembly['surfaces'] {
  const girth = params.girth;
  const pelvis = joints[J.pelvis]!;
  const collarLevel: Vec3 = [0, joints[J.left_collar]![1], joints[J.spine3]![2]];
  const bellyShift = (amount: number): Vec3 => [0, 0, amount / 2];
  // [name, centre, radius forward (u = z), radius sideways (w = x), weights]
  const stations: [string, Vec3, number, number, JointWeights][] = [
    ['crotch', add(pelvis, [0, -0.09, 0]), 0.085 * girth, 0.11 * girth + params.hipWidth, weights([[J.pelvis, 1]])],
    ['pelvis', pelvis, 0.11 * girth, 0.165 * girth + params.hipWidth, weights([[J.pelvis, 1]])],
    ['spine1', add(joints[J.spine1]!, bellyShift(params.belly)), 0.1 * girth + params.belly, 0.15 * girth, weights([[J.pelvis, 0.5], [J.spine1, 0.5]])],
    ['spine2', add(joints[J.spine2]!, bellyShift(0.6 * params.belly)), 0.1 * girth + 0.6 * params.belly, 0.145 * girth, weights([[J.spine1, 0.5], [J.spine2, 0.5]])],
    ['spine3', joints[J.spine3]!, 0.11 * girth, 0.16 * girth, weights([[J.spine2, 0.5], [J.spine3, 0.5]])],
    ['collar_level', collarLevel, 0.095 * girth, 0.175 * girth + params.shoulderWidth / 2, weights([[J.spine3, 1]])],
    ['neck', joints[J.neck]!, 0.06 * girth, 0.065 * girth, weights([[J.spine3, 0.5], [J.neck, 0.5]])],
  ];
  const torso = tube(
    stations.map(([, center, radiusU, radiusW, w]) => ({ center, radiusU, radiusW, weights: w })),
    [0, 0, 1],
    [1, 0, 0],
    TORSO_SEGMENTS,
    { position: add(pelvis, [0, -0.12, 0]), weights: weights([[J.pelvis, 1]]) },
    { position: add(joints[J.neck]!, [0, 0.03, 0]), weights: weights([[J.neck, 1]]) },
  );
  shareShouldersWithCollars(torso, stations.findIndex(([name]) => name === 'collar_level'));

  const neck = tube(
    [0, 0.5, 1].map((t) => ({
      center: lerp(joints[J.neck]!, joints[J.head]!, t),
      radiusU: (0.055 - 0.005 * t) * girth,
      radiusW: (0.06 - 0.005 * t) * girth,
      weights: weights([
        [J.neck, t === 0 || t === 1 ? 0.5 : 1],
        [J.spine3, t === 0 ? 0.5 : 0],
        [J.head, t === 1 ? 0.5 : 0],
      ]),
    })),
    [0, 0, 1],
    [1, 0, 0],
    NECK_SEGMENTS,
  );

  const head = joints[J.head]!;
  const size = params.headSize;
  const centre = add(head, [0, 0.09 * size, 0.005]);
  const [rx, ry, rz] = [0.08 * size, 0.11 * size, 0.095 * size];
  const latitudes = [-70, -45, -20, 0, 20, 45, 70];
  const neckShare = (lat: number) => (lat <= -70 ? 0.4 : lat <= -45 ? 0.15 : 0);
  const headSurface = tube(
    latitudes.map((lat) => {
      const radians = (lat * Math.PI) / 180;
      return {
        center: add(centre, [0, ry * Math.sin(radians), 0]),
        radiusU: rz * Math.cos(radians),
        radiusW: rx * Math.cos(radians),
        weights: weights([
          [J.head, 1 - neckShare(lat)],
          [J.neck, neckShare(lat)],
        ]),
      };
    }),
    [0, 0, 1],
    [1, 0, 0],
    HEAD_SEGMENTS,
    { position: add(centre, [0, -ry, 0]), weights: weights([[J.head, 0.6], [J.neck, 0.4]]) },
    { position: add(centre, [0, ry, 0]), weights: weights([[J.head, 1]]) },
  );

  return [
    { name: 'torso', surface: torso, ringNames: new Map(stations.map(([name], i) => [i, name])), poleNames: {} },
    { name: 'neck', surface: neck, ringNames: new Map([[0, 'start'], [2, 'end']]), poleNames: {} },
    { name: 'head', surface: headSurface, ringNames: new Map(), poleNames: { end: 'top' } },
  ];
}

/** The outer part of the shoulder-level torso ring moves with the collar bone of its side. */
function shareShouldersWithCollars(torso: Surface, ringIndex: number): void {
  const ring = torso.rings[ringIndex]!;
  const halfWidth = Math.max(...ring.map((v) => Math.abs(torso.positions[v]![0])));
  for (const v of ring) {
    const x = torso.positions[v]![0];
    const share = 0.6 * smooth((Math.abs(x) / halfWidth - 0.3) / 0.7);
    if (share === 0) continue;
    torso.weights[v] = weights([
      [J.spine3, 1 - share],
      [x > 0 ? J.left_collar : J.right_collar, share],
    ]);
  }
}

function leftParts(joints: Vec3[], params: BodyParams): Assembly['surfaces'] {
  const g = params.girth;
  const at = (name: (typeof SMPL_JOINT_NAMES)[number]) => joints[J[name]]!;
  const heel: Vec3 = [at('left_ankle')[0], at('left_foot')[1] + 0.005, at('left_ankle')[2] - 0.055];
  const toeTip = add(at('left_foot'), [0.005, -0.005, 0.07]);
  const fingerTip = add(at('left_hand'), [0.085, -0.005, 0]);
  const up: Vec3 = [0, 1, 0];
  const forward: Vec3 = [0, 0, 1];
  const specs: LimbSpec[] = [
    { name: 'left_thigh', owner: J.left_hip, from: at('left_hip'), to: at('left_knee'), radiusStart: [0.085 * g, 0.085 * g], radiusEnd: [0.055 * g, 0.055 * g], startPartner: J.pelvis, endPartner: J.left_knee, preferredU: forward },
    { name: 'left_shin', owner: J.left_knee, from: at('left_knee'), to: at('left_ankle'), radiusStart: [0.055 * g, 0.055 * g], radiusEnd: [0.04 * g, 0.04 * g], startPartner: J.left_hip, endPartner: J.left_ankle, preferredU: forward },
    { name: 'left_foot', owner: J.left_ankle, from: heel, to: at('left_foot'), radiusStart: [0.035 * g, 0.042 * g], radiusEnd: [0.022 * g, 0.046 * g], endPartner: J.left_foot, preferredU: up },
    { name: 'left_toes', owner: J.left_foot, from: at('left_foot'), to: toeTip, radiusStart: [0.02 * g, 0.045 * g], radiusEnd: [0.012 * g, 0.038 * g], startPartner: J.left_ankle, preferredU: up },
    { name: 'left_collar', owner: J.left_collar, from: at('left_collar'), to: at('left_shoulder'), radiusStart: [0.06 * g, 0.06 * g], radiusEnd: [0.055 * g, 0.055 * g], startPartner: J.spine3, endPartner: J.left_shoulder, preferredU: up },
    { name: 'left_upper_arm', owner: J.left_shoulder, from: at('left_shoulder'), to: at('left_elbow'), radiusStart: [0.05 * g, 0.05 * g], radiusEnd: [0.04 * g, 0.04 * g], startPartner: J.left_collar, endPartner: J.left_elbow, preferredU: up },
    { name: 'left_forearm', owner: J.left_elbow, from: at('left_elbow'), to: at('left_wrist'), radiusStart: [0.04 * g, 0.04 * g], radiusEnd: [0.03 * g, 0.03 * g], startPartner: J.left_shoulder, endPartner: J.left_wrist, preferredU: up },
    { name: 'left_hand', owner: J.left_wrist, from: at('left_wrist'), to: at('left_hand'), radiusStart: [0.016 * g, 0.04 * g], radiusEnd: [0.015 * g, 0.045 * g], startPartner: J.left_elbow, endPartner: J.left_hand, preferredU: up },
    { name: 'left_fingers', owner: J.left_hand, from: at('left_hand'), to: fingerTip, radiusStart: [0.012 * g, 0.042 * g], radiusEnd: [0.009 * g, 0.035 * g], startPartner: J.left_wrist, preferredU: up },
  ];
  return specs.map((spec) => ({
    name: spec.name,
    surface: limb(spec),
    ringNames: new Map([
      [LIMB_START_RING, 'start'],
      [LIMB_END_RING, 'end'],
    ]),
    poleNames: {},
  }));
}

/** Builds the whole body for one set of measurements. */
export function buildBodyMesh(params: BodyParams): BodyMesh {
  const joints = unscaledJoints(params);
  const mesh: BodyMesh = { positions: [], faces: [], weights: [], mirrorOf: new Int32Array(0), rings: new Map(), poles: new Map(), partFaces: new Map() };
  const append = (name: string, surface: Surface, ringNames: Map<number, string>, poleNames: { start?: string; end?: string }) => {
    const offset = mesh.positions.length;
    mesh.positions.push(...surface.positions);
    mesh.weights.push(...surface.weights);
    const faces = surface.faces.map((face) => face.map((v) => v + offset) as [number, number, number]);
    mesh.faces.push(...faces);
    mesh.partFaces.set(name, faces);
    for (const [index, ringName] of ringNames) mesh.rings.set(`${name}.${ringName}`, surface.rings[index]!.map((v) => v + offset));
    if (poleNames.start !== undefined) mesh.poles.set(`${name}.${poleNames.start}`, surface.startPole! + offset);
    if (poleNames.end !== undefined) mesh.poles.set(`${name}.${poleNames.end}`, surface.endPole! + offset);
  };
  for (const part of centreParts(joints, params)) append(part.name, part.surface, part.ringNames, part.poleNames);
  const centreCount = mesh.positions.length;
  const left = leftParts(joints, params);
  for (const part of left) append(part.name, part.surface, part.ringNames, part.poleNames);
  const sideCount = mesh.positions.length - centreCount;
  for (const part of left) {
    const surface = part.surface;
    const mirrored: Surface = {
      positions: surface.positions.map(mirror),
      // Mirroring reverses orientation; swap two corners to keep faces wound outward.
      faces: surface.faces.map(([a, b, c]) => [a, c, b]),
      weights: surface.weights.map((w) => new Map([...w].map(([joint, weight]) => [SMPL_FLIP_PERMUTATION[joint]!, weight]))),
      rings: surface.rings,
    };
    append(part.name.replace(/^left_/, 'right_'), mirrored, part.ringNames, part.poleNames);
  }

  mesh.mirrorOf = mirrorMap(mesh.positions, centreCount, sideCount);
  const stature = params.stature;
  mesh.positions = mesh.positions.map((p) => scale(p, stature));
  return mesh;
}

/** Left and right sides pair by construction; centre vertices pair with their numeric mirror. */
function mirrorMap(positions: Vec3[], centreCount: number, sideCount: number): Int32Array {
  const map = new Int32Array(positions.length);
  const key = (p: Vec3) => p.map((c) => Math.round(c * 1e7)).join(',');
  const centreIndex = new Map<string, number>();
  for (let v = 0; v < centreCount; v++) centreIndex.set(key(positions[v]!), v);
  for (let v = 0; v < centreCount; v++) {
    const partner = centreIndex.get(key(mirror(positions[v]!)));
    if (partner === undefined) throw new Error(`stand-in centre vertex ${v} has no mirror image`);
    map[v] = partner;
  }
  for (let i = 0; i < sideCount; i++) {
    map[centreCount + i] = centreCount + sideCount + i;
    map[centreCount + sideCount + i] = centreCount + i;
  }
  return map;
}
