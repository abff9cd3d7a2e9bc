/**
 * glTF 2.0 binary (.glb): the body mesh in the tube's rest shape, skinned to the 24-joint skeleton
 * (each vertex's 4 largest SMPL skinning weights, renormalised), and one animation with every
 * joint's rotation and the root's translation per frame (linear / slerp between frames). Node
 * transforms at rest are the rest offsets, so the inverse bind matrices are translations by −J_j.
 * Linear blend skinning in a viewer then reproduces SMPL's posing except for pose blend shapes,
 * which are left out. Coordinates follow skeleton-animation.ts (y up, glTF's convention).
 */
import { SMPL_JOINT_COUNT, SMPL_JOINT_NAMES, SMPL_PARENTS } from '../body/joint-sets.js';
import type { BodyModelData } from '../body/model-data.js';
import type { RestBody } from './rest-body.js';
import type { SkeletonAnimation } from './skeleton-animation.js';

const FLOAT = 5126;
const UNSIGNED_BYTE = 5121;
const UNSIGNED_SHORT = 5123;
const UNSIGNED_INT = 5125;
const ARRAY_BUFFER = 34962;
const ELEMENT_ARRAY_BUFFER = 34963;
const INFLUENCES = 4;

interface Accessor {
  bufferView: number;
  componentType: number;
  count: number;
  type: 'SCALAR' | 'VEC3' | 'VEC4' | 'MAT4';
  min?: number[];
  max?: number[];
}

/** Collects binary arrays into one buffer, one 4-byte-aligned view per accessor. */
class BinaryBuilder {
  readonly views: { buffer: 0; byteOffset: number; byteLength: number; target?: number }[] = [];
  readonly accessors: Accessor[] = [];
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  add(data: Float32Array | Uint8Array | Uint16Array | Uint32Array, type: Accessor['type'], target?: number, withBounds = false): number {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.views.push({ buffer: 0, byteOffset: this.length, byteLength: bytes.length, ...(target ? { target } : {}) });
    this.chunks.push(bytes);
    this.length += bytes.length;
    const padding = (4 - (this.length % 4)) % 4;
    if (padding) {
      this.chunks.push(new Uint8Array(padding));
      this.length += padding;
    }
    const width = { SCALAR: 1, VEC3: 3, VEC4: 4, MAT4: 16 }[type];
    const componentType = data instanceof Float32Array ? FLOAT : data instanceof Uint8Array ? UNSIGNED_BYTE : data instanceof Uint16Array ? UNSIGNED_SHORT : UNSIGNED_INT;
    const accessor: Accessor = { bufferView: this.views.length - 1, componentType, count: data.length / width, type };
    if (withBounds) {
      accessor.min = Array.from({ length: width }, () => Infinity);
      accessor.max = Array.from({ length: width }, () => -Infinity);
      data.forEach((value, i) => {
        accessor.min![i % width] = Math.min(accessor.min![i % width]!, value);
        accessor.max![i % width] = Math.max(accessor.max![i % width]!, value);
      });
    }
    this.accessors.push(accessor);
    return this.accessors.length - 1;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

export function writeGlb(animation: SkeletonAnimation, model: BodyModelData, rest: RestBody, name: string): Uint8Array {
  const binary = new BinaryBuilder();
  const v = model.vertexCount;
  const positions = Float32Array.from(rest.vertices);
  const position = binary.add(positions, 'VEC3', ARRAY_BUFFER, true);
  const normal = binary.add(vertexNormals(positions, model.faces), 'VEC3', ARRAY_BUFFER);
  const { joints, weights } = strongestInfluences(model.skinWeights, v);
  const jointsAccessor = binary.add(joints, 'VEC4', ARRAY_BUFFER);
  const weightsAccessor = binary.add(weights, 'VEC4', ARRAY_BUFFER);
  const indices = binary.add(v <= 65535 ? Uint16Array.from(model.faces) : Uint32Array.from(model.faces), 'SCALAR', ELEMENT_ARRAY_BUFFER);

  const inverseBind = new Float32Array(SMPL_JOINT_COUNT * 16);
  for (let j = 0; j < SMPL_JOINT_COUNT; j++) {
    // Column-major translation by −J_j.
    inverseBind.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -rest.joints[j * 3]!, -rest.joints[j * 3 + 1]!, -rest.joints[j * 3 + 2]!, 1], j * 16);
  }
  const inverseBindAccessor = binary.add(inverseBind, 'MAT4');

  const frames = animation.rotations.length;
  const times = binary.add(Float32Array.from({ length: frames }, (_, f) => f * animation.frameTime), 'SCALAR', undefined, true);
  const samplers: { input: number; output: number; interpolation: 'LINEAR' }[] = [];
  const channels: { sampler: number; target: { node: number; path: 'rotation' | 'translation' } }[] = [];
  for (let j = 0; j < SMPL_JOINT_COUNT; j++) {
    const rotations = new Float32Array(frames * 4);
    animation.rotations.forEach((frame, f) => rotations.set(frame[j]!, f * 4));
    samplers.push({ input: times, output: binary.add(rotations, 'VEC4'), interpolation: 'LINEAR' });
    channels.push({ sampler: samplers.length - 1, target: { node: j, path: 'rotation' } });
  }
  samplers.push({ input: times, output: binary.add(Float32Array.from(animation.rootPositions.flat()), 'VEC3'), interpolation: 'LINEAR' });
  channels.push({ sampler: samplers.length - 1, target: { node: 0, path: 'translation' } });

  const nodes: object[] = SMPL_JOINT_NAMES.map((jointName, j) => {
    const children = SMPL_PARENTS.flatMap((parent, child) => (parent === j ? [child] : []));
    return { name: jointName, translation: animation.offsets[j], ...(children.length ? { children } : {}) };
  });
  const meshNode = nodes.length;
  nodes.push({ name: `${name} body`, mesh: 0, skin: 0 });

  const document = {
    asset: { version: '2.0', generator: 'hmmr export-motion' },
    scene: 0,
    scenes: [{ name, nodes: [0, meshNode] }],
    nodes,
    meshes: [
      {
        name: model.name,
        primitives: [{ attributes: { POSITION: position, NORMAL: normal, JOINTS_0: jointsAccessor, WEIGHTS_0: weightsAccessor }, indices, material: 0, mode: 4 }],
      },
    ],
    materials: [{ name: 'body', pbrMetallicRoughness: { baseColorFactor: [0.75, 0.75, 0.78, 1], metallicFactor: 0, roughnessFactor: 0.8 }, doubleSided: true }],
    skins: [{ name: 'smpl', inverseBindMatrices: inverseBindAccessor, joints: Array.from({ length: SMPL_JOINT_COUNT }, (_, j) => j), skeleton: 0 }],
    animations: [{ name, samplers, channels }],
    accessors: binary.accessors,
    bufferViews: binary.views,
    buffers: [{ byteLength: 0 }],
  };
  const bin = binary.bytes();
  document.buffers[0]!.byteLength = bin.length;
  return glbContainer(JSON.stringify(document), bin);
}

/** The GLB container: 12-byte header, a JSON chunk padded with spaces, a BIN chunk padded with zeros. */
function glbContainer(json: string, bin: Uint8Array): Uint8Array {
  const jsonBytes = new TextEncoder().encode(json);
  const jsonLength = Math.ceil(jsonBytes.length / 4) * 4;
  const binLength = Math.ceil(bin.length / 4) * 4;
  const total = 12 + 8 + jsonLength + 8 + binLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true); // 'glTF'
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, 0x4e4f534a, true); // 'JSON'
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLength);
  const binStart = 20 + jsonLength;
  view.setUint32(binStart, binLength, true);
  view.setUint32(binStart + 4, 0x004e4942, true); // 'BIN\0'
  out.set(bin, binStart + 8);
  return out;
}

/** Area-weighted vertex normals, unit length (an unused vertex gets +y). */
function vertexNormals(positions: Float32Array, faces: Uint32Array): Float32Array {
  const sums = new Float64Array(positions.length);
  for (let f = 0; f < faces.length; f += 3) {
    const [a, b, c] = [faces[f]! * 3, faces[f + 1]! * 3, faces[f + 2]! * 3];
    const e1 = [positions[b]! - positions[a]!, positions[b + 1]! - positions[a + 1]!, positions[b + 2]! - positions[a + 2]!];
    const e2 = [positions[c]! - positions[a]!, positions[c + 1]! - positions[a + 1]!, positions[c + 2]! - positions[a + 2]!];
    const n = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
    for (const vertex of [a, b, c]) for (let i = 0; i < 3; i++) sums[vertex + i]! += n[i]!;
  }
  const out = new Float32Array(positions.length);
  for (let i = 0; i < positions.length; i += 3) {
    const length = Math.hypot(sums[i]!, sums[i + 1]!, sums[i + 2]!);
    if (length > 0) out.set([sums[i]! / length, sums[i + 1]! / length, sums[i + 2]! / length], i);
    else out.set([0, 1, 0], i);
  }
  return out;
}

/**
 * Each vertex's four largest weights, renormalised to sum to 1 (glTF's JOINTS_0/WEIGHTS_0); unused
 * slots get joint 0 with weight 0.
 */
function strongestInfluences(skinWeights: Float32Array, vertexCount: number): { joints: Uint8Array; weights: Float32Array } {
  const joints = new Uint8Array(vertexCount * INFLUENCES);
  const weights = new Float32Array(vertexCount * INFLUENCES);
  for (let v = 0; v < vertexCount; v++) {
    const row = Array.from(skinWeights.subarray(v * SMPL_JOINT_COUNT, (v + 1) * SMPL_JOINT_COUNT), (weight, joint) => ({ weight, joint }));
    const strongest = row.filter((entry) => entry.weight > 0).sort((a, b) => b.weight - a.weight).slice(0, INFLUENCES);
    const total = strongest.reduce((sum, entry) => sum + entry.weight, 0);
    strongest.forEach((entry, slot) => {
      joints[v * INFLUENCES + slot] = entry.joint;
      weights[v * INFLUENCES + slot] = entry.weight / total;
    });
  }
  return { joints, weights };
}
