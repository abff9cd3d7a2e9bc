import { OPENPOSE_DECODE_DEFAULTS, type DecodeOptions } from '../src/pose2d/decode-options.js';
import { PoseDecoder } from '../src/pose2d/decode.js';
import type { PoseModelDescriptor } from '../src/pose2d/descriptor.js';
import type { FrameGeometry, PoseMaps } from '../src/pose2d/maps.js';
import { resolveModelFiles, type PoseQuality } from '../src/pose2d/model-files.js';
import type { Augmentation } from '../src/pose2d/people-finder.js';
import { openPoseSession } from '../src/pose2d/session.js';
import { projectPath } from '../src/util/project-root.js';
import type { BenchTable } from './bench-table.js';
import { CONFIDENT_PEAK, networkFrames, RECALL_RADIUS_CELLS, scoreDecoding, type NetworkFrame, type QualityScore } from './pose2d-quality.js';
import { sharedVideo } from './shared-assets.js';

/** Sampled frames per second of each clip (network maps are computed once and decoded both ways). */
const FPS = 1;

/** The clips: name, frame size, people in view (undefined where several people come and go). */
const CLIPS: { name: string; width: number; height: number; people?: number }[] = [
  { name: 'Yoga.mp4', width: 1280, height: 720, people: 1 },
  { name: 'Yoga2.mp4', width: 1280, height: 720, people: 1 },
  { name: 'B-Boy.mp4', width: 1280, height: 720, people: 1 },
  { name: 'Press_Ups.mp4', width: 1280, height: 720, people: 1 },
  { name: 'S02_tabletennis.mp4', width: 448, height: 600, people: 1 },
  { name: 'Dance.mp4', width: 1280, height: 720 },
  { name: 'Boxing.mp4', width: 1280, height: 720 },
  { name: 'Wrestling.mp4', width: 1280, height: 720 },
  { name: 'openpose_street_multiperson.mp4', width: 1280, height: 720 },
];

const QUALITIES: PoseQuality[] = ['fast', 'accurate'];
/**
 * Test-time augmentations, each measured on some clips (descriptor decoding): flip averaging (a
 * second, mirrored network image per frame) and multi-scale averaging (OpenPose's scale_number 3,
 * scale_gap 0.25: passes at 1, 0.75 and 0.5 of the input height).
 */
const AUGMENTATIONS: { name: string; augmentation: Augmentation; clips: string[] }[] = [
  { name: 'after + flip', augmentation: { flip: true }, clips: ['Yoga.mp4', 'S02_tabletennis.mp4'] },
  { name: 'after + scales 1,0.75,0.5', augmentation: { scales: [1, 0.75, 0.5] }, clips: ['Yoga.mp4', 'Yoga2.mp4', 'B-Boy.mp4', 'Press_Ups.mp4', 'S02_tabletennis.mp4', 'Boxing.mp4'] },
];
/** The three kinds of miss (pose2d-quality.ts, MissCounts); fragments are only told apart where a filter-free decoding was given. */
function missesCell({ misses }: QualityScore): string {
  return `${misses.otherSide} / ${misses.droppedFragment} / ${misses.unassembled}`;
}

/** The decoding measured and the same without the person filter (minParts, minMeanScore), which tells dropped fragments apart. */
function decoders(descriptor: PoseModelDescriptor, overrides: Partial<DecodeOptions> = {}) {
  const decoder = new PoseDecoder(descriptor, overrides);
  const withoutPersonFilter = new PoseDecoder(descriptor, { ...overrides, minParts: 1, minMeanScore: 0 });
  return {
    decode: (maps: PoseMaps, geometry: FrameGeometry) => decoder.decode(maps, geometry),
    decodeWithoutPersonFilter: (maps: PoseMaps, geometry: FrameGeometry) => withoutPersonFilter.decode(maps, geometry),
  };
}

/** HMMR_BENCH_CLIPS=Yoga.mp4,B-Boy.mp4 measures only those clips (a partial run of a long bench). */
const ONLY_CLIPS = process.env.HMMR_BENCH_CLIPS?.split(',').map((name) => name.trim());

/**
 * pose2d quality (bench/pose2d-quality.ts for the definitions): for both shipped models, the network's
 * confident keypoints kept by the decoder before (OpenPose's defaults, what hmmr used) and after (the
 * model descriptor's own decoding), and how steady the people count is. The shipped table-tennis clip
 * stands in when ../shared/videos is absent.
 */
export default async function pose2dQualityBench(): Promise<BenchTable> {
  const notes = [
    `confident peak = a keypoint channel's global heatmap maximum over the picture > ${CONFIDENT_PEAK}; recall = share with a decoded keypoint of that type within ${RECALL_RADIUS_CELLS} heatmap cells; median / p90 distance in cells over all confident peaks (missing = ∞)`,
    `Δpeople = mean |people(t) − people(t−1)| between sampled frames; "1 person" = share of frames with exactly one person (single-person clips)`,
    'misses (confident peaks with no keypoint of their type within 2 cells): other side = a keypoint of the mirrored type (left ↔ right) is there; fragment = only a group the person filter (minParts, minMeanScore) drops holds it; unassembled = no group holds it',
    `frames sampled at ${FPS} fps, network input height = the descriptor's (368); before = OpenPose's defaults (spec B5), after = the model descriptor's "decode" block`,
    'ms/frame = bare session.run time per frame, both models in this same run; the machine is shared (2 cores, several agents), so only the ratio is meaningful',
  ];
  const clips = CLIPS.filter((clip) => !ONLY_CLIPS || ONLY_CLIPS.includes(clip.name)).map((clip) => ({ ...clip, path: sharedVideo(clip.name).path }));
  if (ONLY_CLIPS) notes.push(`partial run: only ${ONLY_CLIPS.join(', ')} (HMMR_BENCH_CLIPS)`);
  if (clips.every((clip) => clip.path === undefined)) {
    notes.push(`../shared/videos not found: only the shipped table-tennis clip`);
    clips.splice(0, clips.length, { name: 'S02_tabletennis.mp4', width: 448, height: 600, people: 1, path: projectPath('media', 'S02_tabletennis.mp4') });
  }
  const rows: (string | number)[][] = [];
  const pooled = new Map<string, { peaks: number; kept: number }>();
  const inferenceMs = new Map<PoseQuality, number[]>();
  for (const quality of QUALITIES) {
    const { descriptor, modelPath } = resolveModelFiles({ quality });
    const session = await openPoseSession(descriptor, modelPath);
    try {
      for (const clip of clips) {
        if (!clip.path) continue;
        const started = performance.now();
        const frames: NetworkFrame[] = await networkFrames(session, clip.path, { width: clip.width, height: clip.height }, FPS);
        const msPerFrame = (performance.now() - started) / frames.length;
        inferenceMs.set(quality, [...(inferenceMs.get(quality) ?? []), msPerFrame]);
        for (const [decoding, overrides] of [['before', OPENPOSE_DECODE_DEFAULTS], ['after', {}]] as const) {
          const { decode, decodeWithoutPersonFilter } = decoders(descriptor, overrides);
          const score: QualityScore = scoreDecoding(frames, descriptor, (frame) => decode(frame.maps, frame.geometry), clip.people, (frame) => decodeWithoutPersonFilter(frame.maps, frame.geometry));
          rows.push([`${quality} (${descriptor.name})`, clip.name, decoding, score.frames, score.peaks, score.recall, score.medianCells, score.p90Cells, missesCell(score), score.countChange, clip.people === undefined ? '' : score.expectedCountFraction, msPerFrame]);
          if (clip.people === 1) {
            const key = `${quality} ${decoding}`;
            const total = pooled.get(key) ?? { peaks: 0, kept: 0 };
            pooled.set(key, { peaks: total.peaks + score.peaks, kept: total.kept + Math.round(score.recall * score.peaks) });
          }
        }
        for (const { name, augmentation, clips: augmented } of AUGMENTATIONS) {
          if (!augmented.includes(clip.name)) continue;
          const augmentedStarted = performance.now();
          const averaged = await networkFrames(session, clip.path, { width: clip.width, height: clip.height }, FPS, augmentation);
          const augmentedMs = (performance.now() - augmentedStarted) / averaged.length;
          const { decode, decodeWithoutPersonFilter } = decoders(descriptor);
          const score = scoreDecoding(averaged, descriptor, (frame) => decode(frame.maps, frame.geometry), clip.people, (frame) => decodeWithoutPersonFilter(frame.maps, frame.geometry));
          rows.push([`${quality} (${descriptor.name})`, clip.name, name, score.frames, score.peaks, score.recall, score.medianCells, score.p90Cells, missesCell(score), score.countChange, clip.people === undefined ? '' : score.expectedCountFraction, augmentedMs]);
          // The same people scored against the plain pass's confident peaks: what the network sees at full size.
          const byIndex = new Map(averaged.map((frame) => [frame.index, frame]));
          const plainPeaks = scoreDecoding(
            frames,
            descriptor,
            (frame) => decode(byIndex.get(frame.index)!.maps, frame.geometry),
            clip.people,
            (frame) => decodeWithoutPersonFilter(byIndex.get(frame.index)!.maps, frame.geometry),
          );
          rows.push([`${quality} (${descriptor.name})`, clip.name, `${name} (plain peaks)`, plainPeaks.frames, plainPeaks.peaks, plainPeaks.recall, plainPeaks.medianCells, plainPeaks.p90Cells, missesCell(plainPeaks), plainPeaks.countChange, clip.people === undefined ? '' : plainPeaks.expectedCountFraction, augmentedMs]);
          notes.push(`${name}, ${quality}, ${clip.name}: ${(augmentedMs / msPerFrame).toFixed(2)}× the plain pass's time per frame (confident peaks there are those of the averaged maps)`);
        }
      }
    } finally {
      await session.close();
    }
  }
  for (const [key, { peaks, kept }] of pooled) rows.push([`${key}: single-person clips pooled`, '', '', '', peaks, kept / peaks, '', '', '', '', '', '']);
  const fast = inferenceMs.get('fast') ?? [];
  const accurate = inferenceMs.get('accurate') ?? [];
  const ratios = accurate.map((ms, i) => ms / fast[i]!).sort((a, b) => a - b);
  if (ratios.length > 0) notes.push(`accurate / fast inference time per frame, per clip in this run: median ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)}× (range ${ratios[0]!.toFixed(2)}–${ratios[ratios.length - 1]!.toFixed(2)}×)`);
  return {
    title: 'pose2d: keypoints the network sees, kept by the decoder (before / after), both shipped models',
    columns: ['model', 'clip', 'decoding', 'frames', 'confident peaks', 'recall ≤ 2 cells', 'median cells', 'p90 cells', 'misses: other side / fragment / unassembled', 'Δpeople', '1 person', 'ms/frame'],
    rows,
    notes,
  };
}
