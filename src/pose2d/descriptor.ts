/**
 * Model descriptors: everything hmmr needs to know about an OpenPose-style network, kept as data
 * (models/*.json) rather than constants in code, like OpenPose's pose-parameter tables. A descriptor
 * names the ONNX tensors, the input normalisation, the output stride, the keypoint format and the
 * limb ↔ PAF-channel table the decoder groups people with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { KeypointFormat } from '../domain.js';
import { registeredKeypointFormat } from '../body/keypoint-formats.js';
import { BadInputFileError } from '../errors.js';
import { parseDecodeOverrides, type DecodeOptions } from './decode-options.js';
import { projectPath } from '../util/project-root.js';

/** Channels of one ONNX output that hold one kind of map; two kinds may share one output. */
export interface OutputChannels {
  /** ONNX output name. */
  output: string;
  /** First channel of this kind inside that output. */
  firstChannel: number;
  channels: number;
}

export interface HeatmapChannels extends OutputChannels {
  /** Channel (relative to firstChannel) holding the background map, or null when the model has none. */
  backgroundChannel: number | null;
}

export interface LimbSpec {
  /** Keypoint indices [A, B]; the PAF points from A towards B. */
  parts: readonly [number, number];
  /** PAF channels (relative to the PAF firstChannel) holding the x and y components. */
  paf: readonly [number, number];
  /**
   * false for redundant limbs (OpenPose's ear–shoulder pairs): they never create or merge people and
   * only fill a still-missing keypoint of a person already holding the other end.
   */
  useForGrouping: boolean;
}

export interface InputSpec {
  name: string;
  layout: 'NCHW';
  channelOrder: 'RGB' | 'BGR';
  /** Network value = (pixel 0..255 − mean[c]) × scale, c in the network's channel order. */
  mean: readonly [number, number, number];
  scale: number;
  /** Network input height used when the user does not choose one. */
  defaultHeight: number;
}

export interface ModelFileSpec {
  /** ONNX file, relative to the descriptor's folder; null when the model is not shipped. */
  file: string | null;
  sha256: string | null;
  licence: string;
  attribution: string;
}

export interface PoseModelDescriptor {
  /** Where this descriptor was read from. */
  path: string;
  name: string;
  model: ModelFileSpec;
  input: InputSpec;
  /** Output cell size in input pixels. */
  stride: number;
  heatmaps: HeatmapChannels;
  pafs: OutputChannels;
  keypointFormat: KeypointFormat;
  limbs: readonly LimbSpec[];
  /**
   * Keypoints that do not count towards a person's part count (OpenPose ignores BODY_25's six foot
   * points there: a lone foot produces too many false people).
   */
  keypointsNotCountedForPerson: readonly number[];
  /** The model's own decoding defaults (its authors' grouping); options not named here are OpenPose's. */
  decode: Partial<DecodeOptions>;
  /**
   * `runtime.threadsPerSession`: onnxruntime threads per session on the CPU, the cores split into
   * that many sessions (session-pool.ts); absent: every core in one session. A speed setting only.
   */
  threadsPerSession?: number;
}

export const DEFAULT_DESCRIPTOR_PATH = projectPath('models', 'tfpose_mobilenet_v2_small.json');

/** Keypoints per person (heatmap channels without the background). */
export function keypointCount(descriptor: PoseModelDescriptor): number {
  return descriptor.keypointFormat.keypoints.length;
}

/** The ONNX file a descriptor names, resolved against the descriptor's folder; undefined when none. */
export function descriptorModelPath(descriptor: PoseModelDescriptor): string | undefined {
  const file = descriptor.model.file;
  if (file === null) return undefined;
  return isAbsolute(file) ? file : resolve(dirname(descriptor.path), file);
}

export function loadDescriptor(path: string): PoseModelDescriptor {
  if (!existsSync(path)) throw new BadInputFileError(path, 'model descriptor not found');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BadInputFileError(path, `model descriptor is not valid JSON: ${(error as Error).message}`);
  }
  return parseDescriptor(raw, resolve(path));
}

/** Validates a parsed descriptor; every problem is reported as BadInputFileError naming the file. */
export function parseDescriptor(raw: unknown, path: string): PoseModelDescriptor {
  const read: FieldReader = new FieldReader(path);
  const root = read.object(raw, 'descriptor');
  const version = read.number(root, 'descriptorVersion');
  if (version !== 1) read.fail(`descriptorVersion ${version} is not supported (this hmmr reads version 1)`);

  const model = read.object(root.model, 'model');
  const input = read.object(root.input, 'input');
  const channelOrder = read.string(input, 'channelOrder');
  if (channelOrder !== 'RGB' && channelOrder !== 'BGR') read.fail(`input.channelOrder must be "RGB" or "BGR", not "${channelOrder}"`);
  const layout = read.string(input, 'layout');
  if (layout !== 'NCHW') read.fail(`input.layout must be "NCHW", not "${layout}"`);
  const mean = read.numberArray(input, 'mean');
  if (mean.length !== 3) read.fail('input.mean must hold 3 numbers');

  const keypoints = read.stringArray(root, 'keypoints');
  const formatName = read.string(root, 'keypointFormat');
  const registered = registeredKeypointFormat(formatName);
  if (registered && registered.keypoints.join() !== keypoints.join()) {
    read.fail(`keypointFormat '${formatName}' is a registered format (src/body/keypoint-formats.ts) whose keypoints differ from this descriptor's; name the format differently`);
  }
  const heatmaps = read.outputChannels(root, 'heatmaps');
  const background = read.object(root.heatmaps, 'heatmaps').backgroundChannel;
  const backgroundChannel = background === null ? null : read.integer(read.object(root.heatmaps, 'heatmaps'), 'backgroundChannel');
  const expectedHeatmaps = keypoints.length + (backgroundChannel === null ? 0 : 1);
  if (heatmaps.channels !== expectedHeatmaps) {
    read.fail(`heatmaps.channels is ${heatmaps.channels} but ${keypoints.length} keypoints${backgroundChannel === null ? '' : ' + background'} need ${expectedHeatmaps}`);
  }
  if (backgroundChannel !== null && backgroundChannel !== keypoints.length) {
    read.fail(`heatmaps.backgroundChannel must come after the ${keypoints.length} keypoint channels`);
  }
  const pafs = read.outputChannels(root, 'pafs');
  if (pafs.output === heatmaps.output) {
    const overlap = pafs.firstChannel < heatmaps.firstChannel + heatmaps.channels && heatmaps.firstChannel < pafs.firstChannel + pafs.channels;
    if (overlap) read.fail(`heatmap and PAF channels overlap inside output "${pafs.output}"`);
  }

  const limbs = read.array(root.limbs, 'limbs').map((value, index) => read.limb(value, index, keypoints.length, pafs.channels));
  const notCounted = read.numberArray(root, 'keypointsNotCountedForPerson');
  for (const part of notCounted) {
    if (!Number.isInteger(part) || part < 0 || part >= keypoints.length) read.fail(`keypointsNotCountedForPerson holds ${part}, not a keypoint index`);
  }

  const decode = root.decode === undefined ? {} : parseDecodeOverrides(read.object(root.decode, 'decode'), (reason) => read.fail(reason));
  const runtime = root.runtime === undefined ? {} : read.object(root.runtime, 'runtime');
  const threadsPerSession = runtime.threadsPerSession === undefined ? undefined : read.integer(runtime, 'threadsPerSession');
  if (threadsPerSession === 0) read.fail('runtime.threadsPerSession must be at least 1');

  const file = model.file === null ? null : read.string(model, 'file');
  const sha256 = model.sha256 === null ? null : read.string(model, 'sha256');
  if (sha256 !== null && !/^[0-9a-f]{64}$/.test(sha256)) read.fail('model.sha256 must be 64 lowercase hex digits');
  const stride = read.integer(root, 'stride');
  if (stride < 1) read.fail('stride must be a positive integer');
  const defaultHeight = read.integer(input, 'defaultHeight');
  if (defaultHeight < stride) read.fail('input.defaultHeight must be at least the stride');

  return {
    path,
    name: read.string(root, 'name'),
    model: { file, sha256, licence: read.string(model, 'licence'), attribution: read.string(model, 'attribution') },
    input: {
      name: read.string(input, 'name'),
      layout: 'NCHW',
      channelOrder,
      mean: [mean[0]!, mean[1]!, mean[2]!],
      scale: read.number(input, 'scale'),
      defaultHeight,
    },
    stride,
    heatmaps: { ...heatmaps, backgroundChannel },
    pafs,
    // A registered format's layout is the registry's, so every model of that format draws alike.
    keypointFormat: registered ?? { name: formatName, keypoints, limbs: limbs.map((limb) => limb.parts) },
    limbs,
    keypointsNotCountedForPerson: notCounted,
    decode,
    ...(threadsPerSession === undefined ? {} : { threadsPerSession }),
  };
}

type JsonObject = Record<string, unknown>;

/** Small typed accessors that turn every malformed field into one clear BadInputFileError. */
class FieldReader {
  constructor(private readonly path: string) {}

  fail(reason: string): never {
    throw new BadInputFileError(this.path, `bad model descriptor: ${reason}`);
  }

  object(value: unknown, name: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${name} must be an object`);
    return value as JsonObject;
  }

  array(value: unknown, name: string): unknown[] {
    if (!Array.isArray(value)) this.fail(`${name} must be an array`);
    return value;
  }

  string(parent: JsonObject, key: string): string {
    const value = parent[key];
    if (typeof value !== 'string' || value.length === 0) this.fail(`"${key}" must be a non-empty string`);
    return value;
  }

  number(parent: JsonObject, key: string): number {
    const value = parent[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`"${key}" must be a number`);
    return value;
  }

  integer(parent: JsonObject, key: string): number {
    const value = this.number(parent, key);
    if (!Number.isInteger(value) || value < 0) this.fail(`"${key}" must be a non-negative integer`);
    return value;
  }

  numberArray(parent: JsonObject, key: string): number[] {
    const values = this.array(parent[key], key);
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) this.fail(`"${key}" must hold numbers only`);
    return values as number[];
  }

  stringArray(parent: JsonObject, key: string): string[] {
    const values = this.array(parent[key], key);
    if (values.length === 0 || !values.every((v) => typeof v === 'string' && v.length > 0)) this.fail(`"${key}" must be a non-empty list of names`);
    return values as string[];
  }

  outputChannels(parent: JsonObject, key: string): OutputChannels {
    const spec = this.object(parent[key], key);
    const channels = this.integer(spec, 'channels');
    if (channels === 0) this.fail(`${key}.channels must be positive`);
    return { output: this.string(spec, 'output'), firstChannel: this.integer(spec, 'firstChannel'), channels };
  }

  limb(value: unknown, index: number, keypointCount: number, pafChannels: number): LimbSpec {
    const limb = this.object(value, `limbs[${index}]`);
    const parts = this.numberArray(limb, 'parts');
    const paf = this.numberArray(limb, 'paf');
    if (parts.length !== 2 || !parts.every((p) => Number.isInteger(p) && p >= 0 && p < keypointCount) || parts[0] === parts[1]) {
      this.fail(`limbs[${index}].parts must be two different keypoint indices below ${keypointCount}`);
    }
    if (paf.length !== 2 || !paf.every((c) => Number.isInteger(c) && c >= 0 && c < pafChannels) || paf[0] === paf[1]) {
      this.fail(`limbs[${index}].paf must be two different PAF channels below ${pafChannels}`);
    }
    const useForGrouping = limb.useForGrouping ?? true;
    if (typeof useForGrouping !== 'boolean') this.fail(`limbs[${index}].useForGrouping must be true or false`);
    return { parts: [parts[0]!, parts[1]!], paf: [paf[0]!, paf[1]!], useForGrouping };
  }
}
