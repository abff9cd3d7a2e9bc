/**
 * Closed tubes of elliptical rings (capsules, ellipsoids, the torso): the stand-in's only
 * primitive. Each ring carries its skinning weights; the builder records which vertices form each
 * ring, so joint and keypoint regressors can use ring centroids (a ring of evenly spaced points
 * on an ellipse has its centre as centroid).
 */
import type { Vec3 } from './skeleton.js';

/** Joint index → weight (summing to 1). */
export type JointWeights = ReadonlyMap<number, number>;

export interface Ring {
  center: Vec3;
  /** Semi-axis along the tube's u direction. */
  radiusU: number;
  /** Semi-axis along w = axis × u. */
  radiusW: number;
  weights: JointWeights;
}

export interface Pole {
  position: Vec3;
  weights: JointWeights;
}

export interface Surface {
  positions: Vec3[];
  faces: [number, number, number][];
  weights: JointWeights[];
  /** Vertex indices of each ring, in ring order. */
  rings: number[][];
  /** Vertex index of each pole that was given. */
  startPole?: number;
  endPole?: number;
}

/**
 * A tube through the rings (u, w span each ring's plane; u × w points along the tube), closed by
 * optional poles. Faces wind counter-clockwise seen from outside.
 */
export function tube(rings: readonly Ring[], u: Vec3, w: Vec3, segments: number, start?: Pole, end?: Pole): Surface {
  const surface: Surface = { positions: [], faces: [], weights: [], rings: [] };
  for (const ring of rings) {
    const indices: number[] = [];
    for (let k = 0; k < segments; k++) {
      const angle = (2 * Math.PI * k) / segments;
      const a = ring.radiusU * Math.cos(angle);
      const b = ring.radiusW * Math.sin(angle);
      indices.push(surface.positions.length);
      surface.positions.push([0, 1, 2].map((c) => ring.center[c]! + a * u[c]! + b * w[c]!) as Vec3);
      surface.weights.push(ring.weights);
    }
    surface.rings.push(indices);
  }
  for (let r = 0; r + 1 < surface.rings.length; r++) {
    const here = surface.rings[r]!;
    const next = surface.rings[r + 1]!;
    for (let k = 0; k < segments; k++) {
      const k1 = (k + 1) % segments;
      surface.faces.push([here[k]!, here[k1]!, next[k1]!], [here[k]!, next[k1]!, next[k]!]);
    }
  }
  if (start) {
    surface.startPole = addPole(surface, start);
    const first = surface.rings[0]!;
    for (let k = 0; k < segments; k++) surface.faces.push([first[k]!, surface.startPole, first[(k + 1) % segments]!]);
  }
  if (end) {
    surface.endPole = addPole(surface, end);
    const last = surface.rings[surface.rings.length - 1]!;
    for (let k = 0; k < segments; k++) surface.faces.push([last[k]!, last[(k + 1) % segments]!, surface.endPole]);
  }
  return surface;
}

function addPole(surface: Surface, pole: Pole): number {
  surface.positions.push([...pole.position]);
  surface.weights.push(pole.weights);
  return surface.positions.length - 1;
}

/** A frame for rings around `axis`: u as close to `preferred` as possible, w = axis × u. */
export function ringFrame(axis: Vec3, preferred: Vec3): { u: Vec3; w: Vec3 } {
  const d = normalize(axis);
  let reference = preferred;
  if (Math.abs(dot(d, normalize(preferred))) > 0.9) reference = Math.abs(d[1]) < 0.9 ? [0, 1, 0] : [1, 0, 0];
  const u = normalize(sub(reference, scale(d, dot(reference, d))));
  return { u, w: cross(d, u) };
}

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function lerp(a: Vec3, b: Vec3, t: number): Vec3 {
  return add(a, scale(sub(b, a), t));
}

export function normalize(a: Vec3): Vec3 {
  return scale(a, 1 / Math.hypot(...a));
}
