/**
 * Synthetic detection streams with known identities: walking skeletons with keypoint noise, missed
 * detections, occlusion when people overlap, false positives and shot cuts. Deterministic per seed.
 */
import type { KeypointFormat, Person2D, PoseFrame } from '../../src/domain.js';
import { canonicalKeypointKey } from '../../src/tracker/keypoint-roles.js';
import { seededRandom } from '../helpers/seeded-random.js';


export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * A standing person in height units: x from the body's centre line, y from the top of the head.
 * Limb ends carry a swing sign: they move by swing × sin(gait phase) while walking.
 */
const BODY_TEMPLATE: Record<string, { x: number; y: number; swing: number }> = {
  nose: { x: 0, y: 0.06, swing: 0 },
  neck: { x: 0, y: 0.17, swing: 0 },
  rshoulder: { x: -0.11, y: 0.18, swing: 0 },
  relbow: { x: -0.13, y: 0.32, swing: 0.03 },
  rwrist: { x: -0.13, y: 0.45, swing: 0.06 },
  lshoulder: { x: 0.11, y: 0.18, swing: 0 },
  lelbow: { x: 0.13, y: 0.32, swing: -0.03 },
  lwrist: { x: 0.13, y: 0.45, swing: -0.06 },
  midhip: { x: 0, y: 0.5, swing: 0 },
  rhip: { x: -0.06, y: 0.5, swing: 0 },
  rknee: { x: -0.06, y: 0.74, swing: -0.05 },
  rankle: { x: -0.06, y: 0.96, swing: -0.1 },
  lhip: { x: 0.06, y: 0.5, swing: 0 },
  lknee: { x: 0.06, y: 0.74, swing: 0.05 },
  lankle: { x: 0.06, y: 0.96, swing: 0.1 },
  reye: { x: -0.02, y: 0.04, swing: 0 },
  leye: { x: 0.02, y: 0.04, swing: 0 },
  rear: { x: -0.04, y: 0.05, swing: 0 },
  lear: { x: 0.04, y: 0.05, swing: 0 },
  rbigtoe: { x: -0.05, y: 0.99, swing: -0.1 },
  rsmalltoe: { x: -0.07, y: 0.99, swing: -0.1 },
  rheel: { x: -0.06, y: 0.98, swing: -0.1 },
  lbigtoe: { x: 0.05, y: 0.99, swing: 0.1 },
  lsmalltoe: { x: 0.07, y: 0.99, swing: 0.1 },
  lheel: { x: 0.06, y: 0.98, swing: 0.1 },
};

/** A person's ground-truth trajectory: present in frames [startFrame, endFrame). */
export interface SyntheticPerson {
  truthId: number;
  startFrame: number;
  endFrame: number;
  /** Top-of-head centre x, y and body height in pixels at a frame. */
  at(frame: number): { x: number; y: number; heightPx: number };
  /** Frames in which this person is not detected at all (occluded, detector miss). */
  hiddenFrames?: ReadonlySet<number>;
}

/** A person walking in a straight line at constant speed. */
export function walker(
  truthId: number,
  from: [number, number],
  velocity: [number, number],
  heightPx: number,
  startFrame: number,
  endFrame: number,
  hiddenFrames?: ReadonlySet<number>,
): SyntheticPerson {
  return {
    truthId,
    startFrame,
    endFrame,
    at: (frame) => {
      const t = frame - startFrame;
      return { x: from[0] + velocity[0] * t, y: from[1] + velocity[1] * t, heightPx };
    },
    ...(hiddenFrames ? { hiddenFrames } : {}),
  };
}

/** A person pacing back and forth between two x positions (stays in view however long the stream). */
export function pacer(truthId: number, fromX: number, toX: number, y: number, speedPx: number, heightPx: number, frames: number): SyntheticPerson {
  const span = Math.abs(toX - fromX);
  return {
    truthId,
    startFrame: 0,
    endFrame: frames,
    at: (frame) => {
      const travelled = (frame * speedPx) % (2 * span);
      const offset = travelled <= span ? travelled : 2 * span - travelled;
      return { x: Math.min(fromX, toX) + offset, y, heightPx };
    },
  };
}

export interface StreamOptions {
  frames: number;
  people: SyntheticPerson[];
  format: KeypointFormat;
  seed: number;
  /** Keypoint position noise, px (standard deviation). */
  noisePx?: number;
  /** Probability that a present person is not detected in a frame. */
  missRate?: number;
  /** Expected false-positive detections (random 3–5 keypoint fragments) per frame. */
  falsePositivesPerFrame?: number;
  /** Probability that any one keypoint of a detected person is missing. */
  keypointDropRate?: number;
  /** Frames at which a new shot starts. */
  cuts?: readonly number[];
  /** Drop a person's keypoints that fall inside the box of a person nearer the camera (taller). */
  occlusion?: boolean;
  frameWidth?: number;
  frameHeight?: number;
}

export interface LabelledFrame {
  frame: PoseFrame;
  /** Truth id of each detection in frame.people (-1 for false positives). */
  truthIds: number[];
  /** Scene score as a frame source would deliver it: a spike at cuts. */
  sceneScore: number;
}

export function syntheticStream(options: StreamOptions): LabelledFrame[] {
  const random = seededRandom(options.seed);
  const width = options.frameWidth ?? 1280;
  const height = options.frameHeight ?? 720;
  const keys = options.format.keypoints.map(canonicalKeypointKey);
  const cuts = new Set(options.cuts ?? []);
  const out: LabelledFrame[] = [];
  for (let f = 0; f < options.frames; f++) {
    const present = options.people.filter((p) => f >= p.startFrame && f < p.endFrame && !p.hiddenFrames?.has(f));
    const poses = present.map((person) => ({ person, keypoints: posePerson(person, f, keys, random, options) }));
    if (options.occlusion) occlude(poses);
    const candidates: { person: Person2D; truthId: number }[] = [];
    for (const { person, keypoints } of poses) {
      if (random() < (options.missRate ?? 0)) continue;
      const visible = clipToFrame(keypoints, width, height);
      if (visible < 3) continue;
      candidates.push({ person: { keypoints, score: 0.5 + 0.4 * random(), partCount: visible }, truthId: person.truthId });
    }
    let falsePositives = options.falsePositivesPerFrame ?? 0;
    while (falsePositives > 0) {
      if (random() < falsePositives) candidates.push({ person: falsePositive(keys.length, width, height, random), truthId: -1 });
      falsePositives -= 1;
    }
    shuffle(candidates, random);
    out.push({
      frame: { frameIndex: f, timeSec: f / 25, people: candidates.map((c) => c.person) },
      truthIds: candidates.map((c) => c.truthId),
      sceneScore: cuts.has(f) ? 0.45 + 0.1 * random() : 0.01 + 0.02 * random(),
    });
  }
  return out;
}

function posePerson(
  person: SyntheticPerson,
  frame: number,
  keys: string[],
  random: () => number,
  options: StreamOptions,
): Float32Array {
  const { x, y, heightPx } = person.at(frame);
  const phase = Math.sin(frame * 0.25 + person.truthId);
  const noise = options.noisePx ?? 0;
  const keypoints = new Float32Array(3 * keys.length);
  keys.forEach((key, k) => {
    const template = BODY_TEMPLATE[key];
    if (!template || random() < (options.keypointDropRate ?? 0)) return;
    keypoints[3 * k] = x + (template.x + template.swing * phase) * heightPx + noise * gaussian(random);
    keypoints[3 * k + 1] = y + template.y * heightPx + noise * gaussian(random);
    keypoints[3 * k + 2] = 0.4 + 0.5 * random();
  });
  return keypoints;
}

/** Zeroes keypoints outside the frame; returns how many are left. */
function clipToFrame(keypoints: Float32Array, width: number, height: number): number {
  let visible = 0;
  for (let i = 0; i < keypoints.length; i += 3) {
    const inside = keypoints[i]! >= 0 && keypoints[i]! < width && keypoints[i + 1]! >= 0 && keypoints[i + 1]! < height;
    if (keypoints[i + 2]! > 0 && inside) visible++;
    else keypoints.fill(0, i, i + 3);
  }
  return visible;
}

function occlude(poses: { person: SyntheticPerson; keypoints: Float32Array }[]): void {
  for (const back of poses) {
    for (const front of poses) {
      if (front === back || front.person.at(0).heightPx <= back.person.at(0).heightPx) continue;
      const box = keypointBounds(front.keypoints);
      for (let i = 0; i < back.keypoints.length; i += 3) {
        const x = back.keypoints[i]!;
        const y = back.keypoints[i + 1]!;
        if (x >= box.minX && x <= box.maxX && y >= box.minY && y <= box.maxY) back.keypoints.fill(0, i, i + 3);
      }
    }
  }
}

function keypointBounds(keypoints: Float32Array): { minX: number; minY: number; maxX: number; maxY: number } {
  const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (let i = 0; i < keypoints.length; i += 3) {
    if (!(keypoints[i + 2]! > 0)) continue;
    bounds.minX = Math.min(bounds.minX, keypoints[i]!);
    bounds.maxX = Math.max(bounds.maxX, keypoints[i]!);
    bounds.minY = Math.min(bounds.minY, keypoints[i + 1]!);
    bounds.maxY = Math.max(bounds.maxY, keypoints[i + 1]!);
  }
  return bounds;
}

function falsePositive(keypointCount: number, width: number, height: number, random: () => number): Person2D {
  const keypoints = new Float32Array(3 * keypointCount);
  const parts = 3 + Math.floor(random() * 3);
  const cx = random() * width;
  const cy = random() * height;
  for (let n = 0; n < parts; n++) {
    const k = Math.floor(random() * keypointCount);
    keypoints[3 * k] = cx + 40 * gaussian(random);
    keypoints[3 * k + 1] = cy + 40 * gaussian(random);
    keypoints[3 * k + 2] = 0.1 + 0.3 * random();
  }
  let partCount = 0;
  for (let i = 2; i < keypoints.length; i += 3) if (keypoints[i]! > 0) partCount++;
  return { keypoints, score: 0.2 + 0.3 * random(), partCount };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
