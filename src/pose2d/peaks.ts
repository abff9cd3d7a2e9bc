/**
 * Keypoint candidates from heatmaps, by default at the network's own (stride) resolution instead of
 * upsampling the maps ×8 first as OpenPose does: 64× fewer cells to smooth and scan, and sub-pixel
 * refinement recovers the precision the upsampling would have given. `upsample` > 1 searches a
 * bilinearly upsampled map instead (tf-pose: ×4), which can separate peaks closer than a cell;
 * positions are still returned in stride cells.
 *
 * - Smoothing: OpenPose / tf-pose-estimation blur the upsampled maps with a Gaussian of sigma 3 input
 *   pixels. Blurring then subsampling equals subsampling then blurring with sigma / stride, so the
 *   same filter here is sigma 3/8 ≈ 0.375 cells. It is small: it only breaks up one-cell noise and
 *   plateaus, and a Gaussian blurred by a Gaussian stays a Gaussian, so refinement stays exact.
 * - Peaks: 3×3 non-maximum suppression above a threshold (OpenPose's 0.05). Ties go to the first
 *   cell in scan order so a flat top yields one peak, not several.
 * - Refinement: a parabola through the log values of the peak and its two neighbours, per axis.
 *   Network heatmaps are trained as Gaussians, and a log-parabola fit is exact for a Gaussian.
 *   Refinement only reads cells of the search region, never the stride padding.
 */
import { toSourceCell, Upsampler } from './upsample.js';

export interface PeakOptions {
  /** Minimum smoothed heatmap value of a peak (OpenPose nms_threshold 0.05). */
  threshold: number;
  /** Gaussian smoothing sigma in network-input pixels (OpenPose / tf-pose: 3); 0 disables it. */
  smoothingSigmaInputPx: number;
  /** Network output stride (input pixels per heatmap cell). */
  stride: number;
  /** Most candidates kept per keypoint, the strongest ones (OpenPose POSE_MAX_PEOPLE = 127). */
  maxPeaksPerPart: number;
  /** Integer factor the heatmaps are upsampled by before the search; default 1 (none). */
  upsample?: number;
}

/** Candidates of every keypoint type, struct-of-arrays; part k owns indices [partStart[k], partStart[k+1]). */
export interface PeakList {
  count: number;
  partStart: Int32Array;
  /** Refined position in (stride) heatmap cells (cell centres are integers). */
  x: Float32Array;
  y: Float32Array;
  /** Raw heatmap value at the peak cell, the keypoint confidence. */
  score: Float32Array;
}

/** Stride cells that may hold peaks: the content region, leaving out the stride padding. */
export interface SearchRegion {
  width: number;
  height: number;
}

/**
 * Reusable scratch buffers, sized for one map size, so decoding a video allocates nothing per cell.
 */
export class PeakFinder {
  private blurred = new Float32Array(0);
  private temp = new Float32Array(0);
  private kernel: Float32Array;
  private candidateCell = new Int32Array(0);
  private candidateScore = new Float32Array(0);
  private upsampler: Upsampler | undefined;
  private readonly factor: number;

  constructor(private readonly options: PeakOptions) {
    this.factor = options.upsample ?? 1;
    // The sigma in cells of the map actually searched: input pixels per searched cell = stride / factor.
    this.kernel = gaussianKernel((options.smoothingSigmaInputPx * this.factor) / options.stride);
  }

  /**
   * heatmaps: [parts (+ more channels, ignored)] × height × width; only the first `parts` channels are searched.
   */
  find(heatmaps: Float32Array, width: number, height: number, parts: number, region: SearchRegion): PeakList {
    const factor = this.factor;
    const mapWidth = width * factor;
    const mapHeight = height * factor;
    const cells = mapWidth * mapHeight;
    if (this.blurred.length < cells) {
      this.blurred = new Float32Array(cells);
      this.temp = new Float32Array(cells);
      this.candidateCell = new Int32Array(cells);
      this.candidateScore = new Float32Array(cells);
    }
    if (factor > 1 && (this.upsampler?.width !== width || this.upsampler.height !== height)) this.upsampler = new Upsampler(width, height, factor);
    const limit = this.options.maxPeaksPerPart;
    const capacity = parts * Math.min(limit, cells);
    const x = new Float32Array(capacity);
    const y = new Float32Array(capacity);
    const score = new Float32Array(capacity);
    const partStart = new Int32Array(parts + 1);
    let count = 0;
    const searchWidth = Math.min(region.width, width) * factor;
    const searchHeight = Math.min(region.height, height) * factor;

    for (let part = 0; part < parts; part++) {
      partStart[part] = count;
      const plane = heatmaps.subarray(part * width * height, (part + 1) * width * height);
      const raw = factor > 1 ? this.upsampler!.run(plane) : plane;
      const map = this.smooth(raw, mapWidth, mapHeight);
      const found = this.suppressNonMaxima(map, mapWidth, mapHeight, searchWidth, searchHeight);
      const order = strongestFirst(this.candidateScore, found, limit);
      for (const candidate of order) {
        const cell = this.candidateCell[candidate]!;
        const cx = cell % mapWidth;
        const cy = (cell - cx) / mapWidth;
        x[count] = toSourceCell(cx + refineOffset(map, cell, 1, cx, searchWidth), factor);
        y[count] = toSourceCell(cy + refineOffset(map, cell, mapWidth, cy, searchHeight), factor);
        score[count] = raw[cell]!;
        count++;
      }
    }
    partStart[parts] = count;
    return { count, partStart, x, y, score };
  }

  /**
   * Separable Gaussian. Each pass first runs every kernel tap as one tight loop over the whole plane
   * (row ends wrap into the next row there), then recomputes the `radius` cells at each end of a row
   * (or column) with the kernel renormalised over the cells that exist: exact, and a flat map stays
   * flat up to its edges.
   */
  private smooth(raw: Float32Array, width: number, height: number): Float32Array {
    const kernel = this.kernel;
    const radius = (kernel.length - 1) / 2;
    if (radius === 0) return raw;
    const cells = width * height;
    const { temp, blurred } = this;
    temp.fill(0, 0, cells);
    blurred.fill(0, 0, cells);
    for (let k = -radius; k <= radius; k++) {
      const w = kernel[k + radius]!;
      for (let i = radius; i < cells - radius; i++) temp[i]! += w * raw[i + k]!;
    }
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        if (col === radius && width > 2 * radius) col = width - radius;
        temp[row * width + col] = this.edgeTap(raw, row * width, col, 1, width);
      }
    }
    const shift = radius * width;
    for (let k = -radius; k <= radius; k++) {
      const w = kernel[k + radius]!;
      const offset = k * width;
      for (let i = shift; i < cells - shift; i++) blurred[i]! += w * temp[i + offset]!;
    }
    for (let col = 0; col < width; col++) {
      for (let row = 0; row < height; row++) {
        if (row === radius && height > 2 * radius) row = height - radius;
        blurred[row * width + col] = this.edgeTap(temp, col, row, width, height);
      }
    }
    return blurred;
  }

  /** The kernel at position `index` of a line of `count` cells (start, step), renormalised to the cells inside. */
  private edgeTap(values: Float32Array, start: number, index: number, step: number, count: number): number {
    const kernel = this.kernel;
    const radius = (kernel.length - 1) / 2;
    let sum = 0;
    let weight = 0;
    for (let k = Math.max(-radius, -index); k <= Math.min(radius, count - 1 - index); k++) {
      const w = kernel[k + radius]!;
      sum += w * values[start + (index + k) * step]!;
      weight += w;
    }
    return sum / weight;
  }

  /** 3×3 local maxima above threshold inside the search region; writes candidates, returns their count. */
  private suppressNonMaxima(map: Float32Array, width: number, height: number, searchWidth: number, searchHeight: number): number {
    const threshold = this.options.threshold;
    let found = 0;
    for (let row = 0; row < searchHeight; row++) {
      for (let col = 0; col < searchWidth; col++) {
        const cell = row * width + col;
        const value = map[cell]!;
        if (!(value > threshold)) continue;
        let isPeak = true;
        for (let dy = -1; dy <= 1 && isPeak; dy++) {
          const r = row + dy;
          if (r < 0 || r >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const c = col + dx;
            if ((dx === 0 && dy === 0) || c < 0 || c >= width) continue;
            const neighbour = map[r * width + c]!;
            // Earlier cells in scan order must be strictly lower, later ones not higher: one peak per plateau.
            const earlier = dy < 0 || (dy === 0 && dx < 0);
            if (earlier ? neighbour >= value : neighbour > value) {
              isPeak = false;
              break;
            }
          }
        }
        if (isPeak) {
          this.candidateCell[found] = cell;
          this.candidateScore[found] = value;
          found++;
        }
      }
    }
    return found;
  }
}

/**
 * Normalised 1-D Gaussian truncated at 2.5 sigma (the 1.2 % of its mass beyond is renormalised away;
 * at sigma 0.375 the next tap would weigh 7e-7); [1] when sigma is too small to matter.
 */
export function gaussianKernel(sigma: number): Float32Array {
  if (!(sigma > 0.05)) return Float32Array.of(1);
  const radius = Math.ceil(2.5 * sigma);
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp((-i * i) / (2 * sigma * sigma));
    kernel[i + radius] = w;
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  return kernel;
}

/**
 * Sub-cell offset of the maximum along one axis (step 1 = x, width = y) at position `index` of `count`
 * usable cells, from a parabola through the log values of three neighbouring cells: exact for a
 * Gaussian peak, wherever the three cells sit on it. Inside the map they are centred on the peak; at
 * the edge of the usable cells (map border or stride padding) the three cells inward are used, which
 * still places a keypoint that sits between the last cell centre and the border. Values that are not
 * positive fall back to a plain parabola. The offset is clamped to half a cell.
 */
export function refineOffset(map: Float32Array, cell: number, step: number, index: number, count: number): number {
  if (count < 3) return 0;
  // Position of the first of the three fitted cells relative to the peak cell: -1 centred, 0 or -2 at an edge.
  const first = index === 0 ? 0 : index === count - 1 ? -2 : -1;
  const v0 = map[cell + first * step]!;
  const v1 = map[cell + (first + 1) * step]!;
  const v2 = map[cell + (first + 2) * step]!;
  const useLog = v0 > 0 && v1 > 0 && v2 > 0;
  const f0 = useLog ? Math.log(v0) : v0;
  const f1 = useLog ? Math.log(v1) : v1;
  const f2 = useLog ? Math.log(v2) : v2;
  const curvature = f0 - 2 * f1 + f2;
  if (!(curvature < 0)) return 0;
  // Vertex of the parabola through (first, f0), (first+1, f1), (first+2, f2).
  const vertex = first + 1 + (0.5 * (f0 - f2)) / curvature;
  return Math.max(-0.5, Math.min(0.5, vertex));
}

/** Indices of the `limit` highest scores among the first `count`, in scan order when none are dropped. */
function strongestFirst(scores: Float32Array, count: number, limit: number): number[] {
  const indices = Array.from({ length: count }, (_, i) => i);
  if (count <= limit) return indices;
  indices.sort((a, b) => scores[b]! - scores[a]!);
  return indices.slice(0, limit);
}
