/**
 * A labelled chunk as a job's return value: typed arrays (frame indices, times, scene scores,
 * people per frame, person scores, part counts, keypoints) packed into one buffer, deflated, and
 * base64-encoded, because BullMQ stores return values as JSON in Redis. Scores and times stay
 * float64 and keypoints float32, exactly what the store keeps, so the decoded frames commit to the
 * same rows a local run writes.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { LabelledFrame } from '../pose2d/label-video.js';

export interface ChunkResult {
  /** damaged: the video could not be decoded past `damage` (a one-line reason); the frames before it are here. */
  status: 'complete' | 'damaged';
  damage?: string;
  frames: number;
  /** People over all frames. */
  people: number;
  /** Values per person (3 × keypoints); 0 when nobody was found in the chunk. */
  keypointValues: number;
  /** base64 of the deflated arrays, in the order encodeChunkResult writes them. */
  data: string;
}

export function encodeChunkResult(frames: readonly LabelledFrame[], damage?: string): ChunkResult {
  const people = frames.flatMap((frame) => frame.people);
  const keypointValues = people[0]?.keypoints.length ?? 0;
  // 8-byte values first, then 4-byte ones: every section starts aligned for its type when decoded.
  const sections: (Int32Array | Float64Array | Float32Array)[] = [
    Float64Array.from(frames, (frame) => frame.timeSec),
    // NaN stands for "no scene score" (null): the first frame of a read has none to compare with.
    Float64Array.from(frames, (frame) => frame.sceneScore ?? Number.NaN),
    Float64Array.from(people, (person) => person.score),
    Int32Array.from(frames, (frame) => frame.frameIndex),
    Int32Array.from(frames, (frame) => frame.people.length),
    Int32Array.from(people, (person) => person.partCount),
  ];
  const keypoints = new Float32Array(people.length * keypointValues);
  people.forEach((person, i) => {
    if (person.keypoints.length !== keypointValues) throw new RangeError(`person with ${person.keypoints.length} keypoint values among people with ${keypointValues}`);
    keypoints.set(person.keypoints, i * keypointValues);
  });
  sections.push(keypoints);
  const packed = Buffer.concat(sections.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
  return {
    status: damage === undefined ? 'complete' : 'damaged',
    ...(damage === undefined ? {} : { damage }),
    frames: frames.length,
    people: people.length,
    keypointValues,
    data: deflateRawSync(packed).toString('base64'),
  };
}

export function decodeChunkResult(result: ChunkResult): LabelledFrame[] {
  const bytes = inflateRawSync(Buffer.from(result.data, 'base64'));
  // A fresh, aligned copy: typed-array views need offsets that are multiples of their element size.
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  let offset = 0;
  const take = <T>(make: new (buffer: ArrayBuffer, offset: number, length: number) => T, bytesPer: number, length: number): T => {
    const array = new make(buffer, offset, length);
    offset += bytesPer * length;
    return array;
  };
  const count = result.frames;
  const total = result.people;
  const timeSec = take(Float64Array, 8, count);
  const sceneScore = take(Float64Array, 8, count);
  const score = take(Float64Array, 8, total);
  const frameIndex = take(Int32Array, 4, count);
  const peopleCount = take(Int32Array, 4, count);
  const partCount = take(Int32Array, 4, total);
  const keypoints = take(Float32Array, 4, total * result.keypointValues);
  if (offset !== buffer.byteLength) throw new RangeError(`chunk result holds ${buffer.byteLength} bytes, its header describes ${offset}`);
  let person = 0;
  return Array.from(frameIndex, (index, f): LabelledFrame => {
    const people = Array.from({ length: peopleCount[f]! }, () => {
      const p = person++;
      return {
        score: score[p]!,
        partCount: partCount[p]!,
        keypoints: keypoints.slice(p * result.keypointValues, (p + 1) * result.keypointValues),
      };
    });
    const scene = sceneScore[f]!;
    return { frameIndex: index, timeSec: timeSec[f]!, sceneScore: Number.isNaN(scene) ? null : scene, people };
  });
}
