import { BadInputFileError, ModelMismatchError } from '../../errors.js';
import { openImageModelSession, type ImageModelSession } from '../../pose2d/session.js';
import { readFrames } from '../../video/frame-source.js';
import { CROP_SIZE, type SequenceFeatures } from '../data/sequence.js';
import { writeCrop } from './crop.js';
import type { FeatureExtractor, FeatureInput } from './extractor.js';

/** Crops per backbone call. */
const BATCH = 16;

/**
 * φ from an image backbone (the paper's setting: an HMR-pretrained ResNet-50, supplied by the user
 * as ONNX): each tube frame's 224×224 crop, and its mirror image, through the network; a 4-D output
 * [N, C, h, w] is average-pooled to C numbers (as ResNet's pool5), a 2-D output [N, C] is used as is.
 */
export class OnnxBackboneExtractor implements FeatureExtractor {
  readonly id: string;
  readonly cacheable = true;
  readonly sha: string;

  private constructor(
    private readonly session: ImageModelSession,
    readonly dims: number,
    private readonly blankFeature: Float32Array,
  ) {
    this.id = `onnx:${session.modelPath}`;
    this.sha = `${session.modelSha256}-crop224-pool-v1`;
  }

  static async open(modelPath: string): Promise<OnnxBackboneExtractor> {
    const session = await openImageModelSession(modelPath);
    try {
      // A black crop tells the feature size, and is the padding feature (the reference pads with black frames).
      const black = new Float32Array(3 * CROP_SIZE * CROP_SIZE).fill(-1);
      const blank = await runPooled(session, black, 1);
      return new OnnxBackboneExtractor(session, blank.length, blank);
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async extract(input: FeatureInput, signal?: AbortSignal): Promise<SequenceFeatures> {
    if (!input.videoPath) throw new BadInputFileError(`tube ${input.tubeId}`, `'${this.id}' features need the tube's video, and this tube has none (synthetic tubes only work with 'keypoints' features)`);
    const frames = input.frames;
    const rowOf = new Map(frames.map((frame, row) => [frame.frameIndex, row]));
    const original = new Float32Array(frames.length * this.dims);
    const mirrored = new Float32Array(frames.length * this.dims);
    const batch = new Float32Array(2 * BATCH * 3 * CROP_SIZE * CROP_SIZE);
    let pendingRows: number[] = [];
    const flush = async () => {
      if (pendingRows.length === 0) return;
      const n = pendingRows.length;
      const pooled = await runPooled(this.session, batch.subarray(0, 2 * n * 3 * CROP_SIZE * CROP_SIZE), 2 * n);
      pendingRows.forEach((row, i) => {
        original.set(pooled.subarray(2 * i * this.dims, (2 * i + 1) * this.dims), row * this.dims);
        mirrored.set(pooled.subarray((2 * i + 1) * this.dims, (2 * i + 2) * this.dims), row * this.dims);
      });
      pendingRows = [];
    };
    const first = frames[0]?.frameIndex ?? 0;
    const last = frames[frames.length - 1]?.frameIndex ?? -1;
    let seen = 0;
    for await (const frame of readFrames(input.videoPath, { startFrame: first, pixelFormat: 'rgb24', signal })) {
      if (frame.index > last) break;
      const row = rowOf.get(frame.index);
      if (row === undefined) continue;
      // Crops are in original pixels; the frame source delivers original size (scale 1) when not asked to resize.
      const rgb = { data: frame.data, width: frame.width, height: frame.height };
      const slot = pendingRows.length;
      writeCrop(rgb, frames[row]!.crop, false, batch, 2 * slot);
      writeCrop(rgb, frames[row]!.crop, true, batch, 2 * slot + 1);
      pendingRows.push(row);
      seen++;
      if (pendingRows.length === BATCH) await flush();
    }
    await flush();
    if (seen < frames.length && !signal?.aborted) throw new BadInputFileError(input.videoPath, `tube ${input.tubeId}: the video ended before frame ${last}; ${frames.length - seen} tube frames have no pixels`);
    return { dims: this.dims, original, mirrored };
  }

  blank(): Float32Array {
    return Float32Array.from(this.blankFeature);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/** [n, 3, 224, 224] crops → [n, C] features (spatially averaged when the output is a map). */
async function runPooled(session: ImageModelSession, crops: Float32Array, n: number): Promise<Float32Array> {
  const { data, dims } = await session.run(crops, [n, 3, CROP_SIZE, CROP_SIZE]);
  if (dims[0] !== n || (dims.length !== 2 && dims.length !== 4)) {
    throw new ModelMismatchError(session.modelPath, `backbone output [${dims.join(',')}] is neither [N, C] nor [N, C, h, w]`);
  }
  const channels = dims[1]!;
  const cells = dims.length === 4 ? dims[2]! * dims[3]! : 1;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n * channels; i++) {
    let sum = 0;
    for (let k = 0; k < cells; k++) sum += data[i * cells + k]!;
    out[i] = sum / cells;
  }
  return out;
}
