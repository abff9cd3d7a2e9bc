/**
 * The stand-in's body proportions: SMPL's 24 joints at roughly the neutral SMPL template's rest
 * positions (metres; y up, the body faces +z, its left is +x; arms out in a T), and ten body
 * measurements whose changes become the ten shape directions. Left and right are exact mirrors.
 */
import { SMPL_JOINT_NAMES } from '../joint-sets.js';

export type Vec3 = [number, number, number];

export interface BodyParams {
  /** Overall size factor (1 = 1.75 m tall). */
  stature: number;
  /** Limb and torso thickness factor. */
  girth: number;
  /** Metres added to each leg (half to the thigh, half to the shin). */
  legLength: number;
  /** Metres added to each arm (half upper arm, half forearm). */
  armLength: number;
  /** Metres added to each shoulder's distance from the midline. */
  shoulderWidth: number;
  /** Metres added to each hip's distance from the midline. */
  hipWidth: number;
  /** Metres added between pelvis and neck. */
  torsoLength: number;
  /** Head size factor. */
  headSize: number;
  /** Metres the belly sticks out. */
  belly: number;
  /** Metres added to the neck. */
  neckLength: number;
}

export const NEUTRAL_BODY: BodyParams = {
  stature: 1,
  girth: 1,
  legLength: 0,
  armLength: 0,
  shoulderWidth: 0,
  hipWidth: 0,
  torsoLength: 0,
  headSize: 1,
  belly: 0,
  neckLength: 0,
};

/**
 * β_i = +1 changes one measurement by about one standard deviation of adult variation, in this
 * order (SMPL's β are likewise ordered by how much they change the body, height first).
 */
export const SHAPE_DIRECTIONS: readonly { param: keyof BodyParams; perUnit: number }[] = [
  { param: 'stature', perUnit: 0.04 },
  { param: 'girth', perUnit: 0.12 },
  { param: 'legLength', perUnit: 0.03 },
  { param: 'torsoLength', perUnit: 0.025 },
  { param: 'shoulderWidth', perUnit: 0.015 },
  { param: 'hipWidth', perUnit: 0.015 },
  { param: 'armLength', perUnit: 0.025 },
  { param: 'belly', perUnit: 0.03 },
  { param: 'headSize', perUnit: 0.05 },
  { param: 'neckLength', perUnit: 0.015 },
];

type JointName = (typeof SMPL_JOINT_NAMES)[number];

/** Centre and left joints at the neutral body; right joints mirror the left. */
const NEUTRAL_JOINTS: Partial<Record<JointName, Vec3>> = {
  pelvis: [0, -0.24, 0.02],
  left_hip: [0.075, -0.33, 0.01],
  left_knee: [0.1, -0.71, 0.0],
  left_ankle: [0.09, -1.1, -0.03],
  left_foot: [0.11, -1.16, 0.09],
  spine1: [0, -0.12, -0.005],
  spine2: [0, 0.02, 0.0],
  spine3: [0, 0.08, 0.02],
  neck: [0, 0.29, -0.01],
  left_collar: [0.075, 0.2, -0.005],
  head: [0, 0.36, 0.03],
  left_shoulder: [0.18, 0.23, -0.015],
  left_elbow: [0.44, 0.22, -0.03],
  left_wrist: [0.69, 0.22, -0.03],
  left_hand: [0.77, 0.21, -0.04],
};

/** Moves applied per unit of a length parameter: [joint, axis (0 = x outward, 1 = y), fraction]. */
const LENGTH_EFFECTS: Partial<Record<keyof BodyParams, readonly [JointName, 0 | 1, number][]>> = {
  legLength: [
    ['left_knee', 1, -0.5],
    ['left_ankle', 1, -1],
    ['left_foot', 1, -1],
  ],
  hipWidth: [
    ['left_hip', 0, 1],
    ['left_knee', 0, 1],
    ['left_ankle', 0, 1],
    ['left_foot', 0, 1],
  ],
  torsoLength: [
    ['spine1', 1, 0.25],
    ['spine2', 1, 0.5],
    ['spine3', 1, 0.75],
    ...(['neck', 'left_collar', 'head', 'left_shoulder', 'left_elbow', 'left_wrist', 'left_hand'] as const).map(
      (joint) => [joint, 1, 1] as [JointName, 0 | 1, number],
    ),
  ],
  neckLength: [['head', 1, 1]],
  shoulderWidth: [
    ['left_collar', 0, 0.5],
    ...(['left_shoulder', 'left_elbow', 'left_wrist', 'left_hand'] as const).map((joint) => [joint, 0, 1] as [JointName, 0 | 1, number]),
  ],
  armLength: [
    ['left_elbow', 0, 0.5],
    ['left_wrist', 0, 1],
    ['left_hand', 0, 1],
  ],
};

export function mirror([x, y, z]: Vec3): Vec3 {
  return [-x, y, z];
}

/** The 24 joint positions of a body, in SMPL joint order (before the stature scale). */
export function unscaledJoints(params: BodyParams): Vec3[] {
  const placed = new Map<JointName, Vec3>();
  for (const [name, position] of Object.entries(NEUTRAL_JOINTS) as [JointName, Vec3][]) placed.set(name, [...position]);
  for (const [param, effects] of Object.entries(LENGTH_EFFECTS) as [keyof BodyParams, [JointName, 0 | 1, number][]][]) {
    for (const [joint, axis, fraction] of effects) placed.get(joint)![axis] += params[param] * fraction;
  }
  return SMPL_JOINT_NAMES.map((name) => {
    const own = placed.get(name);
    if (own) return own;
    return mirror(placed.get(name.replace(/^right_/, 'left_') as JointName)!);
  });
}
