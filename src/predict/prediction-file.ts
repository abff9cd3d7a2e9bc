import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { UsageError } from '../errors.js';
import { makeNpyArray, writeNpz, type NpyArray } from '../util/npz.js';
import type { ImagePrediction } from './predict-image.js';
import type { PredictionRun } from './run-predict.js';
import type { TestTimeOptions } from './test-time.js';
import { POSE_SIZE, THETA_SIZE } from '../train/theta.js';

/*
 * `hmmr predict` output, documented here and in the README:
 * JSON: { format: "hmmr-predictions", version: 1, checkpoint, step, config, deltaFrames,
 *         flipAverage?: true, refinePose?: { iterations, learningRate, nearWeight, smoothWeight,
 *         keypointNoise, chunkFrames }, refineOrientation?: { halfWindow, minKeypoints } (only when used),
 *         jointSet: "lsp14", tubes: [{ tubeId, name, videoId, fps, frames: [{ frameIndex,
 *         theta[85], joints3d[14][3], pastPose[72]?, futurePose[72]? }] }] }
 *   theta = [camera s, tx, ty | 72 axis-angle pose, root first | 10 shape]; joints in metres;
 *   pastPose/futurePose are the f_Δt poses at t − deltaFrames and t + deltaFrames.
 * NPZ: per tube, keys `tube_<id>/frame_index` int32 [F], `tube_<id>/theta` [F, 85],
 *   `tube_<id>/joints3d` [F, 14, 3], `tube_<id>/past_pose` and `tube_<id>/future_pose` [F, 72];
 *   tube names live in the JSON form only (npz has no strings here); `flip_average` int32 [1],
 *   `refine_pose` float32 [6] and `refine_orientation` int32 [2] only when those options were on
 *   (testTimeArrays below).
 */
export function writePredictionFile(path: string, run: PredictionRun): void {
  writeAs(path, () => predictionJson(run), () => predictionArrays(run));
}

/*
 * `hmmr predict --image` output:
 * JSON: { format: "hmmr-image-predictions", version: 1, image, checkpoint, step, deltaFrames,
 *         flipAverage?, refinePose?, refineOrientation? (as above), keypointFormat, jointSet: "lsp14", people: [{ score, keypoints[K][3] (image px),
 *         crop: {centerX, centerY, scale}, theta[85], joints3d[14][3], pastPose[72], futurePose[72] }] }
 * NPZ: `person_<i>/theta` [85], `person_<i>/joints3d` [14, 3], `person_<i>/past_pose`,
 *   `person_<i>/future_pose` [72], `person_<i>/keypoints` [K, 3]; `flip_average`, `refine_pose`, `refine_orientation` as above.
 */
export function writeImagePredictionFile(path: string, result: ImagePrediction): void {
  writeAs(
    path,
    () => ({
      format: 'hmmr-image-predictions',
      version: 1,
      image: result.image,
      checkpoint: result.checkpointDir,
      step: result.step,
      deltaFrames: result.deltaFrames,
      // Only the options that were on (enabledTestTime), under the keys `hmmr eval --json` uses.
      ...result.testTime,
      keypointFormat: result.keypointFormat,
      jointSet: 'lsp14',
      people: result.people.map((person) => {
        const { prediction } = person;
        const joints = rows(prediction.joints3d, 0, LSP_JOINT_COUNT * 3);
        const keypoints = Array.from(person.keypoints, round);
        return {
          score: round(person.score),
          keypoints: Array.from({ length: keypoints.length / 3 }, (_, k) => keypoints.slice(k * 3, k * 3 + 3)),
          crop: person.crop,
          theta: rows(prediction.theta, 0, THETA_SIZE),
          joints3d: Array.from({ length: LSP_JOINT_COUNT }, (_, j) => joints.slice(j * 3, j * 3 + 3)),
          ...(prediction.pastPose ? { pastPose: rows(prediction.pastPose, 0, POSE_SIZE) } : {}),
          ...(prediction.futurePose ? { futurePose: rows(prediction.futurePose, 0, POSE_SIZE) } : {}),
        };
      }),
    }),
    () => {
      const arrays = testTimeArrays(result.testTime);
      result.people.forEach((person, i) => {
        const key = `person_${i}`;
        const { prediction } = person;
        arrays.set(`${key}/theta`, makeNpyArray('float32', [THETA_SIZE], prediction.theta));
        arrays.set(`${key}/joints3d`, makeNpyArray('float32', [LSP_JOINT_COUNT, 3], prediction.joints3d));
        if (prediction.pastPose) arrays.set(`${key}/past_pose`, makeNpyArray('float32', [POSE_SIZE], prediction.pastPose));
        if (prediction.futurePose) arrays.set(`${key}/future_pose`, makeNpyArray('float32', [POSE_SIZE], prediction.futurePose));
        arrays.set(`${key}/keypoints`, makeNpyArray('float32', [person.keypoints.length / 3, 3], person.keypoints));
      });
      return arrays;
    },
  );
}

function writeAs(path: string, json: () => object, arrays: () => Map<string, NpyArray>): void {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') writeFileSync(path, JSON.stringify(json()) + '\n');
  else if (extension === '.npz') writeNpz(path, arrays());
  else throw new UsageError(`--out must end in .json or .npz, got '${path}'`);
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
const rows = (values: Float32Array, f: number, width: number) => Array.from(values.subarray(f * width, (f + 1) * width), round);

export function predictionJson(run: PredictionRun): object {
  return {
    format: 'hmmr-predictions',
    version: 1,
    checkpoint: run.checkpointDir,
    step: run.step,
    config: run.configName,
    deltaFrames: run.deltaFrames,
    ...run.testTime,
    jointSet: 'lsp14',
    tubes: run.tubes.map((tube) => ({
      tubeId: tube.tubeId,
      name: tube.name,
      videoId: tube.videoId,
      fps: tube.fps,
      frames: Array.from(tube.frameIndices, (frameIndex, f) => {
        const joints = rows(tube.joints3d, f, LSP_JOINT_COUNT * 3);
        return {
          frameIndex,
          theta: rows(tube.theta, f, THETA_SIZE),
          joints3d: Array.from({ length: LSP_JOINT_COUNT }, (_, j) => joints.slice(j * 3, j * 3 + 3)),
          ...(tube.pastPose ? { pastPose: rows(tube.pastPose, f, POSE_SIZE) } : {}),
          ...(tube.futurePose ? { futurePose: rows(tube.futurePose, f, POSE_SIZE) } : {}),
        };
      }),
    })),
  };
}

export function predictionArrays(run: PredictionRun): Map<string, NpyArray> {
  const arrays = testTimeArrays(run.testTime);
  for (const tube of run.tubes) {
    const key = `tube_${tube.tubeId}`;
    const f = tube.frameCount;
    arrays.set(`${key}/frame_index`, makeNpyArray('int32', [f], tube.frameIndices));
    arrays.set(`${key}/theta`, makeNpyArray('float32', [f, THETA_SIZE], tube.theta));
    arrays.set(`${key}/joints3d`, makeNpyArray('float32', [f, LSP_JOINT_COUNT, 3], tube.joints3d));
    if (tube.pastPose) arrays.set(`${key}/past_pose`, makeNpyArray('float32', [f, POSE_SIZE], tube.pastPose));
    if (tube.futurePose) arrays.set(`${key}/future_pose`, makeNpyArray('float32', [f, POSE_SIZE], tube.futurePose));
  }
  return arrays;
}

/**
 * NPZ's form of the test-time options that were on: `flip_average` int32 [1] = 1, `refine_pose` float32 [6] = [iterations,
 * learningRate, nearWeight, smoothWeight, keypointNoise, chunkFrames], `refine_orientation` int32 [2] =
 * [halfWindow, minKeypoints].
 */
function testTimeArrays(options: TestTimeOptions): Map<string, NpyArray> {
  const arrays = new Map<string, NpyArray>();
  if (options.flipAverage) arrays.set('flip_average', makeNpyArray('int32', [1], Int32Array.of(1)));
  const fit = options.refinePose;
  if (fit) arrays.set('refine_pose', makeNpyArray('float32', [6], Float32Array.of(fit.iterations, fit.learningRate, fit.nearWeight, fit.smoothWeight, fit.keypointNoise, fit.chunkFrames)));
  const refinement = options.refineOrientation;
  if (refinement) arrays.set('refine_orientation', makeNpyArray('int32', [2], Int32Array.of(refinement.halfWindow, refinement.minKeypoints)));
  return arrays;
}

