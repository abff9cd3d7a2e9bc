import { SMPL_JOINT_NAMES } from '../body/joint-sets.js';

/**
 * Procedural motions as joint angles of SMPL's kinematic tree. Each motion is a smooth periodic
 * function of its phase φ (2π per cycle), so every joint angle is C∞ in time and the ground-truth
 * acceleration is well defined. Angles are zxyToAxisAngle triples in the SMPL rest frame (y up,
 * facing +z, the subject's left at +x): hip/shoulder flexion forward is −x, knee flexion +x, spine
 * bending forward +x, arms are lowered from the T-pose by −z (left) / +z (right), elbows flex by −y
 * (left) / +y (right), twist is y.
 */

export const MOTION_NAMES = ['walk', 'run', 'jumping-jacks', 'squat', 'arm-swings', 'golf-swing', 'turn-in-place'] as const;
export type MotionName = (typeof MOTION_NAMES)[number];

/** Joint index → [x, y, z] angles (radians, z applied first, then x, then y). */
export type JointAngles = Map<number, [number, number, number]>;

export interface MotionFrame {
  angles: JointAngles;
  /** Extra rotation of the whole body about the vertical axis (turning), radians. */
  yaw: number;
}

export interface MotionDefinition {
  name: MotionName;
  /** Range the cycle frequency is drawn from. */
  cyclesPerSecond: readonly [number, number];
  /**
   * The pose at phase φ; `amplitude` (≈0.7–1.3) scales the movement, `variant` in [0, 1) picks a
   * motion-specific style (which arm leads, turning direction).
   */
  frame(phase: number, amplitude: number, variant: number): MotionFrame;
}

/** SMPL joint index by name. */
const J = Object.fromEntries(SMPL_JOINT_NAMES.map((name, index) => [name, index])) as Record<(typeof SMPL_JOINT_NAMES)[number], number>;
/** Arms hang about 72° below the T-pose. */
const ARM_DOWN = 1.25;

/** 0 → 1 → 0 over a cycle, smooth: (1 − cos φ)/2. */
const rise = (phase: number): number => (1 - Math.cos(phase)) / 2;
/** A smooth one-sided bump, ≈ max(0, sin) without the kink (whose acceleration would spike). */
const bump = (phase: number): number => ((1 + Math.sin(phase)) / 2) ** 2;

function pose(entries: [number, number, number, number][], yaw = 0): MotionFrame {
  const angles: JointAngles = new Map();
  for (const [joint, x, y, z] of entries) angles.set(joint, [x, y, z]);
  return { angles, yaw };
}

/** Arms at the sides swinging by `swing` (left arm; the right does the opposite), elbows bent by `elbow`. */
function swingingArms(swing: number, elbow: number): [number, number, number, number][] {
  return [
    [J.left_shoulder, swing, 0, -ARM_DOWN],
    [J.right_shoulder, -swing, 0, ARM_DOWN],
    [J.left_elbow, 0, -elbow, 0],
    [J.right_elbow, 0, elbow, 0],
  ];
}

/** Gait legs: hips swing ±hipAmplitude, each knee bends in its own swing phase, ankles follow. */
function gaitLegs(phase: number, hipAmplitude: number, kneeAmplitude: number): [number, number, number, number][] {
  const s = Math.sin(phase);
  return [
    [J.left_hip, -hipAmplitude * s, 0, 0],
    [J.right_hip, hipAmplitude * s, 0, 0],
    [J.left_knee, 0.05 + kneeAmplitude * bump(phase + 0.9), 0, 0],
    [J.right_knee, 0.05 + kneeAmplitude * bump(phase + 0.9 + Math.PI), 0, 0],
    [J.left_ankle, -0.2 * Math.sin(phase - 0.5), 0, 0],
    [J.right_ankle, 0.2 * Math.sin(phase - 0.5), 0, 0],
  ];
}

const walk: MotionDefinition = {
  name: 'walk',
  cyclesPerSecond: [0.8, 1.1],
  frame: (phase, a) =>
    pose([
      ...gaitLegs(phase, 0.45 * a, 0.9 * a),
      ...swingingArms(0.35 * a * Math.sin(phase), 0.3 + 0.1 * Math.sin(phase)),
      [J.spine2, 0.03, 0.08 * a * Math.sin(phase), 0],
      [J.neck, 0, -0.06 * a * Math.sin(phase), 0],
    ]),
};

const run: MotionDefinition = {
  name: 'run',
  cyclesPerSecond: [1.3, 1.6],
  frame: (phase, a) =>
    pose([
      ...gaitLegs(phase, 0.75 * a, 1.7 * a),
      ...swingingArms(0.6 * a * Math.sin(phase), 1.4 + 0.2 * Math.sin(phase)),
      [J.spine1, 0.15, 0, 0],
      [J.spine2, 0.05, 0.15 * a * Math.sin(phase), 0],
      [J.neck, -0.15, -0.1 * a * Math.sin(phase), 0],
    ]),
};

const jumpingJacks: MotionDefinition = {
  name: 'jumping-jacks',
  cyclesPerSecond: [0.8, 1.2],
  frame: (phase, a) => {
    const u = rise(phase);
    const arms = -ARM_DOWN + (ARM_DOWN + 1.3 * a) * u;
    return pose([
      [J.left_shoulder, 0, 0, arms],
      [J.right_shoulder, 0, 0, -arms],
      [J.left_elbow, 0, -0.15, 0],
      [J.right_elbow, 0, 0.15, 0],
      [J.left_hip, -0.1 * (1 - u), 0, 0.35 * a * u],
      [J.right_hip, -0.1 * (1 - u), 0, -0.35 * a * u],
      [J.left_knee, 0.2 * (1 - u), 0, 0],
      [J.right_knee, 0.2 * (1 - u), 0, 0],
      [J.left_ankle, 0, 0, -0.3 * a * u],
      [J.right_ankle, 0, 0, 0.3 * a * u],
    ]);
  },
};

const squat: MotionDefinition = {
  name: 'squat',
  cyclesPerSecond: [0.3, 0.5],
  frame: (phase, a) => {
    const u = rise(phase) * a;
    // Thigh −1.4u, shin back by (knee − hip) = 0.5u: the ankle takes −0.5u so the feet stay flat.
    return pose([
      [J.left_hip, -1.4 * u, 0, 0.1],
      [J.right_hip, -1.4 * u, 0, -0.1],
      [J.left_knee, 1.9 * u, 0, 0],
      [J.right_knee, 1.9 * u, 0, 0],
      [J.left_ankle, -0.5 * u, 0, 0],
      [J.right_ankle, -0.5 * u, 0, 0],
      [J.spine1, 0.4 * u, 0, 0],
      [J.neck, -0.3 * u, 0, 0],
      [J.left_shoulder, -1.3 * u, 0, -ARM_DOWN],
      [J.right_shoulder, -1.3 * u, 0, ARM_DOWN],
    ]);
  },
};

const armSwings: MotionDefinition = {
  name: 'arm-swings',
  cyclesPerSecond: [0.6, 1.0],
  frame: (phase, a, variant) => {
    // variant < 0.5: both arms together; otherwise alternating.
    const rightPhase = variant < 0.5 ? phase : phase + Math.PI;
    return pose([
      [J.left_shoulder, -1.2 * a * Math.sin(phase), 0, -ARM_DOWN + 0.3 * rise(phase)],
      [J.right_shoulder, -1.2 * a * Math.sin(rightPhase), 0, ARM_DOWN - 0.3 * rise(rightPhase)],
      [J.left_elbow, 0, -0.2, 0],
      [J.right_elbow, 0, 0.2, 0],
      [J.left_knee, 0.15 * rise(2 * phase), 0, 0],
      [J.right_knee, 0.15 * rise(2 * phase), 0, 0],
      [J.left_hip, -0.08 * rise(2 * phase), 0, 0],
      [J.right_hip, -0.08 * rise(2 * phase), 0, 0],
    ]);
  },
};

const golfSwing: MotionDefinition = {
  name: 'golf-swing',
  cyclesPerSecond: [0.25, 0.4],
  frame: (phase, a) => {
    // A skewed wave: the backswing takes most of the cycle, the downswing is quick.
    const g = Math.sin(phase + 0.7 * Math.sin(phase));
    const twist = 0.45 * a * g;
    return pose([
      [J.spine1, 0.35, 0.4 * twist, 0],
      [J.spine2, 0.1, 0.5 * twist, 0],
      [J.spine3, 0.05, 0.5 * twist, 0],
      [J.neck, 0.1, -0.9 * twist, 0],
      [J.left_hip, -0.35, 0, 0.05],
      [J.right_hip, -0.35, 0, -0.05],
      [J.left_knee, 0.3 + 0.1 * g, 0, 0],
      [J.right_knee, 0.3 - 0.1 * g, 0, 0],
      // Hands together in front: both arms forward and across the chest, swinging with the twist.
      [J.left_shoulder, -0.6 - 0.4 * a * g * g, 0.5 + 0.5 * g, -ARM_DOWN],
      [J.right_shoulder, -0.6 - 0.4 * a * g * g, -0.5 + 0.5 * g, ARM_DOWN],
      [J.left_elbow, 0, -0.1 - 0.5 * a * ((1 - g) / 2) ** 2, 0],
      [J.right_elbow, 0, 0.1 + 0.8 * a * ((1 + g) / 2) ** 2, 0],
    ]);
  },
};

const turnInPlace: MotionDefinition = {
  name: 'turn-in-place',
  cyclesPerSecond: [0.8, 1.2],
  frame: (phase, a, variant) => {
    const direction = variant < 0.5 ? -1 : 1;
    // A quarter turn per stepping cycle.
    return pose(
      [...gaitLegs(phase, 0.2 * a, 0.5 * a), ...swingingArms(0.1 * a * Math.sin(phase), 0.25)],
      (direction * phase) / 4,
    );
  },
};

export const MOTIONS: Readonly<Record<MotionName, MotionDefinition>> = {
  walk,
  run,
  'jumping-jacks': jumpingJacks,
  squat,
  'arm-swings': armSwings,
  'golf-swing': golfSwing,
  'turn-in-place': turnInPlace,
};
