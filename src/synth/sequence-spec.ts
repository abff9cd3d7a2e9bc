import { MOTION_NAMES, MOTIONS, type MotionName } from './motions.js';
import { gaussian, uniform, type RandomSource } from './random.js';
import { matrixToAxisAngle, multiply, rotationX, rotationY, zxyToAxisAngle } from './rotation.js';

/**
 * Everything random about one synthetic sequence, drawn up front so that a sequence is a pure
 * function of its spec: the motion and its speed/amplitude/phase, the body shape, the viewpoint,
 * and where the weak-perspective camera puts the person in a notional video frame.
 */
export interface SequenceSpec {
  name: string;
  motion: MotionName;
  cyclesPerSecond: number;
  amplitude: number;
  phase0: number;
  /** Motion-specific style choice in [0, 1). */
  variant: number;
  /** Rotation about the vertical axis; 0 faces the camera. */
  viewYaw: number;
  /** SMPL β, 10 values. */
  shape: Float32Array;
  /** Weak-perspective scale in frame pixels per metre (a 1.7 m person is ~95–130 px tall). */
  pixelsPerMetre: number;
  /** Frame position of the body origin, drifting slowly (a hand-held or panning camera). */
  centerX: number;
  centerY: number;
  driftPx: readonly [number, number];
  driftHz: number;
  driftPhase: number;
}

/** The notional video frame synthetic keypoints live in, in pixels. */
export const SYNTH_FRAME = { width: 320, height: 240 } as const;

const SHAPE_STD = 0.5;
const SHAPE_LIMIT = 1.5;

/**
 * Sequence `index` of a set: motions rotate through `motions` (default the whole library) so every
 * one appears.
 */
export function sampleSequenceSpec(random: RandomSource, index: number, namePrefix: string, motions: readonly MotionName[] = MOTION_NAMES): SequenceSpec {
  const motion = motions[index % motions.length]!;
  const [minHz, maxHz] = MOTIONS[motion].cyclesPerSecond;
  const shape = Float32Array.from({ length: 10 }, () => Math.max(-SHAPE_LIMIT, Math.min(SHAPE_LIMIT, gaussian(random, 0, SHAPE_STD))));
  return {
    name: `${namePrefix}${String(index).padStart(3, '0')}-${motion}`,
    motion,
    cyclesPerSecond: uniform(random, minHz, maxHz),
    amplitude: uniform(random, 0.7, 1.3),
    phase0: uniform(random, 0, 2 * Math.PI),
    variant: random.next(),
    viewYaw: uniform(random, -Math.PI, Math.PI),
    shape,
    pixelsPerMetre: uniform(random, 55, 75),
    centerX: SYNTH_FRAME.width / 2 + uniform(random, -30, 30),
    centerY: SYNTH_FRAME.height / 2 + uniform(random, -10, 10),
    driftPx: [uniform(random, 0, 15), uniform(random, 0, 5)],
    driftHz: uniform(random, 0.05, 0.2),
    driftPhase: uniform(random, 0, 2 * Math.PI),
  };
}

export interface SequenceMotion {
  /** frames × 72 SMPL axis-angle, root first. */
  poses: Float32Array;
  /** Whole-body rotation about the vertical axis per frame (viewpoint + turning), radians. */
  bodyYaw: Float64Array;
}

/**
 * The pose sequence. The root is Rx(π)·Ry(yaw): SMPL is y-up and faces +z, the camera frame is
 * y-down looking along +z, so Rx(π) stands the body up facing the camera (HMR's mean root [π, 0, 0]).
 */
export function sequenceMotion(spec: SequenceSpec, frameCount: number, fps: number): SequenceMotion {
  const definition = MOTIONS[spec.motion];
  const poses = new Float32Array(frameCount * 72);
  const bodyYaw = new Float64Array(frameCount);
  const upright = rotationX(Math.PI);
  for (let f = 0; f < frameCount; f++) {
    const phase = 2 * Math.PI * spec.cyclesPerSecond * (f / fps) + spec.phase0;
    const frame = definition.frame(phase, spec.amplitude, spec.variant);
    bodyYaw[f] = spec.viewYaw + frame.yaw;
    poses.set(matrixToAxisAngle(multiply(upright, rotationY(bodyYaw[f]!))), f * 72);
    for (const [joint, [x, y, z]] of frame.angles) poses.set(zxyToAxisAngle(x, y, z), f * 72 + joint * 3);
  }
  return { poses, bodyYaw };
}

/** Where the body origin sits in the notional frame at frame f. */
export function frameCenter(spec: SequenceSpec, f: number, fps: number): [number, number] {
  const angle = 2 * Math.PI * spec.driftHz * (f / fps) + spec.driftPhase;
  return [spec.centerX + spec.driftPx[0] * Math.sin(angle), spec.centerY + spec.driftPx[1] * Math.sin(2 * angle)];
}
