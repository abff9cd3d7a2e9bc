/**
 * Frames → people: the one path from a frame source frame to decoded people, used by `hmmr label`
 * (label-video.ts, batched and pipelined), by still images (image-people.ts: `hmmr predict --image`)
 * and by the quality bench. It owns what the network sees of a frame and how its passes are combined:
 *
 *   frame → network images (the frame; its mirror with flip averaging, flip.ts; smaller copies with
 *   multi-scale averaging, multi-scale.ts) → one network call per input size → the passes averaged
 *   onto the full-size map grid → the decoder (decode.ts) → people in original pixels.
 */
import type { Person2D } from '../domain.js';
import { resolveDecodeOptions, type DecodeOptions } from './decode-options.js';
import { PoseDecoder } from './decode.js';
import type { PoseModelDescriptor } from './descriptor.js';
import { averageWithMirror, flipTables, type FlipTables } from './flip.js';
import type { FrameGeometry, PoseMaps } from './maps.js';
import { averageMaps, MapsToGrid, PictureScaler, scaledInputSize, SINGLE_SCALE, writeMirrored, type InputSize } from './multi-scale.js';
import { normalisationTables, pixelFormatFor, writeFrameTensor, type PackedPixelFormat } from './preprocess.js';
import type { PoseSession } from './session.js';

/** Test-time augmentation: both off by default (docs/pose2d.md has their measured cost and effect). */
export interface Augmentation {
  /** Flip averaging: each frame also mirrored. */
  flip?: boolean;
  /** Multi-scale averaging: input scales, 1 among them (parseScales); [1] = off. */
  scales?: readonly number[];
}

/** A frame as the frame source delivers it: packed pixels, the picture at the top-left, stride padding around it. */
export interface PaddedFrame {
  data: Uint8Array;
  width: number;
  height: number;
  contentWidth: number;
  contentHeight: number;
}

/** One network input size: the scale, its input and what turns its pass back into full-size maps. */
interface Pass {
  scale: number;
  size: InputSize;
  /** Absent for the full-size pass, which is written from the frame itself. */
  scaler?: PictureScaler;
  toGrid?: MapsToGrid;
}

/** The network inputs of up to `capacity` frames of one size: one tensor per pass. */
export interface NetworkBatch {
  frames: number;
  readonly capacity: number;
  readonly passes: readonly Pass[];
  readonly inputs: Float32Array[];
}

/** A batch's network output: per pass, the maps of every image, in the order the inputs hold them. */
export interface BatchMaps {
  readonly passes: readonly Pass[];
  readonly images: PoseMaps[][];
}

export class PeopleFinder {
  readonly decode: DecodeOptions;
  readonly flip: boolean;
  readonly scales: readonly number[];
  readonly pixelFormat: PackedPixelFormat;
  /** Network images per frame in each pass: the frame, and its mirror with flip averaging. */
  private readonly copies: number;
  private readonly mirror: FlipTables | undefined;
  private readonly tables: Float32Array[];
  private readonly decoder: PoseDecoder;
  private passes: { key: string; passes: Pass[] } | undefined;

  constructor(
    readonly descriptor: PoseModelDescriptor,
    options: { decode?: Partial<DecodeOptions> } & Augmentation = {},
  ) {
    this.decode = resolveDecodeOptions(descriptor.decode, options.decode);
    this.flip = options.flip ?? false;
    this.scales = options.scales ?? SINGLE_SCALE;
    if (this.scales[0] !== 1) throw new RangeError(`scales must start with 1, got [${this.scales.join(', ')}] (see parseScales)`);
    // Checked before any frame: a descriptor without mirrored limbs cannot flip.
    this.mirror = this.flip ? flipTables(descriptor) : undefined;
    this.copies = this.flip ? 2 : 1;
    this.pixelFormat = pixelFormatFor(descriptor.input);
    this.tables = normalisationTables(descriptor.input);
    this.decoder = new PoseDecoder(descriptor, this.decode);
  }

  /**
   * Network inputs for up to `capacity` frames the size of `frame`, from `session`'s recycled tensors
   * when it has them (their old contents are overwritten slot by slot by add()).
   */
  newBatch(frame: PaddedFrame, capacity: number, session?: Pick<PoseSession, 'inputTensor'>): NetworkBatch {
    const passes = this.passesFor(frame);
    const inputs = passes.map(({ size }) => {
      const values = capacity * this.copies * 3 * size.width * size.height;
      return session ? session.inputTensor(values) : new Float32Array(values);
    });
    return { frames: 0, capacity, passes, inputs };
  }

  /** Writes the frame's network images into the batch's next slot. */
  add(batch: NetworkBatch, frame: PaddedFrame): void {
    if (batch.frames === batch.capacity) throw new RangeError('network batch is full');
    const slot = batch.frames * this.copies;
    const full = batch.inputs[0]!;
    const packed = { data: frame.data, width: frame.width, height: frame.height, pixelFormat: this.pixelFormat };
    writeFrameTensor(packed, this.descriptor.input, this.tables, full, slot);
    if (this.flip) writeFrameTensor(packed, this.descriptor.input, this.tables, full, slot + 1, true);
    batch.passes.forEach((pass, index) => {
      if (!pass.scaler) return;
      pass.scaler.write(full, slot, batch.inputs[index]!, slot);
      if (this.flip) writeMirrored(batch.inputs[index]!, pass.size, slot, slot + 1);
    });
    batch.frames++;
  }

  /** The batch's filled part: a last batch of a video may hold fewer frames than its capacity. */
  filled(batch: NetworkBatch): NetworkBatch {
    if (batch.frames === batch.capacity) return batch;
    const inputs = batch.inputs.map((input, index) => {
      const { width, height } = batch.passes[index]!.size;
      return input.subarray(0, batch.frames * this.copies * 3 * width * height);
    });
    return { ...batch, capacity: batch.frames, inputs };
  }

  /** One network call per pass, all issued at once (a worker session queues them). Hands the inputs to the session. */
  async infer(session: PoseSession, batch: NetworkBatch): Promise<BatchMaps> {
    const count = batch.frames * this.copies;
    const images = await Promise.all(batch.passes.map(({ size }, index) => session.run(batch.inputs[index]!, count, size.height, size.width)));
    return { passes: batch.passes, images };
  }

  /** Frame `frame` of a batch's maps: its passes averaged on the full-size grid (new arrays unless nothing is averaged). */
  mapsOf(maps: BatchMaps, frame: number): PoseMaps {
    const slot = frame * this.copies;
    const perPass = maps.passes.map((pass, index) => {
      const images = maps.images[index]!;
      const unflipped = this.mirror ? averageWithMirror(images[slot]!, images[slot + 1]!, this.descriptor, this.mirror) : images[slot]!;
      return pass.toGrid ? pass.toGrid.run(unflipped) : unflipped;
    });
    return perPass.length === 1 ? perPass[0]! : averageMaps(perPass);
  }

  /** People in decoded maps; keypoints in the original pixels `geometry` names. */
  peopleIn(maps: PoseMaps, geometry: FrameGeometry): Person2D[] {
    return this.decoder.decode(maps, geometry);
  }

  /** One frame on its own: its averaged maps and its people. */
  async findInFrame(session: PoseSession, frame: PaddedFrame, geometry: FrameGeometry): Promise<{ people: Person2D[]; maps: PoseMaps }> {
    const batch = this.newBatch(frame, 1, session);
    this.add(batch, frame);
    const maps = this.mapsOf(await this.infer(session, batch), 0);
    return { people: this.peopleIn(maps, geometry), maps };
  }

  /** The passes for frames of this size (a video's frames share one; built once). */
  private passesFor(frame: PaddedFrame): Pass[] {
    const key = `${frame.width}x${frame.height}/${frame.contentWidth}x${frame.contentHeight}`;
    if (this.passes?.key === key) return this.passes.passes;
    const stride = this.descriptor.stride;
    const full: InputSize = { contentWidth: frame.contentWidth, contentHeight: frame.contentHeight, width: frame.width, height: frame.height };
    const mapSize = (size: InputSize) => ({ contentWidth: size.contentWidth, contentHeight: size.contentHeight, mapWidth: Math.ceil(size.width / stride), mapHeight: Math.ceil(size.height / stride) });
    // The frame source pads with black: its normalised value per network channel.
    const black = this.tables.map((table) => table[0]!);
    const passes = this.scales.map((scale): Pass => {
      if (scale === 1) return { scale, size: full };
      const size = scaledInputSize(full, scale, stride);
      return { scale, size, scaler: new PictureScaler(full, size, black), toGrid: new MapsToGrid(mapSize(size), mapSize(full)) };
    });
    this.passes = { key, passes };
    return passes;
  }
}
