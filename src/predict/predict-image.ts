import type { CropParams, Person2D } from '../domain.js';
import { UsageError } from '../errors.js';
import { boxCenter, boxDiagonal, boxFromVisibleKeypoints } from '../tracker/keypoint-box.js';
import { DEFAULT_TUBE_BOX_OPTIONS } from '../tracker/tube.js';
import { initBackend, type BackendInfo } from '../tf/backend.js';
import { loadTrainingBodyModel } from '../train/body-model.js';
import { KEYPOINT_COUNT, normaliseTubeKeypoints } from '../train/data/sequence.js';
import { createFeatureExtractor } from '../train/features/create.js';
import { jointsOfTheta, loadPredictionModel, predictFrames, type SequencePrediction } from '../train/predict.js';
import { peopleInImage } from '../pose2d/image-people.js';
import { qualityOrDefault, type PoseQuality } from '../pose2d/model-files.js';
import { applyTestTime, enabledTestTime, type TestTimeOptions } from './test-time.js';

export interface ImagePerson {
  score: number;
  /** Detector keypoints (x, y, confidence triples) in image pixels, in `keypointFormat`. */
  keypoints: Float32Array;
  crop: CropParams;
  /** One-frame prediction: Θ, joints and the hallucinated poses at −Δt and +Δt, after the test-time options. */
  prediction: SequencePrediction;
}

export interface ImagePrediction {
  image: string;
  checkpointDir: string;
  step: number;
  deltaFrames: number;
  keypointFormat: string;
  backend: BackendInfo;
  /** The test-time options the predictions went through, only those that were on (enabledTestTime; written into the prediction file). */
  testTime: TestTimeOptions;
  people: ImagePerson[];
}

/**
 * `hmmr predict --image`: people detected by pose2d (the accurate shipped model unless one is named), each cropped as a tube frame would be (box
 * diagonal → 150 px of the 224 crop, spec B4), then the present and ±Δt poses from a single frame
 * through the hallucinator (the paper's "dynamics from a single image"). The test-time options work
 * as on a tube of one frame: flip averaging mirrors the person's features, and the orientation fit
 * has no neighbours to smooth over (its window is ignored).
 */
export async function predictImage(options: { image: string; checkpoint: string; backend?: string; model?: string; descriptor?: string; quality?: PoseQuality; testTime?: TestTimeOptions }): Promise<ImagePrediction> {
  const testTime = enabledTestTime(options.testTime ?? {});
  const backend = await initBackend(options.backend);
  const model = loadPredictionModel(options.checkpoint);
  if (!model.network.hasHallucinator) {
    model.dispose();
    throw new UsageError(`${model.checkpointDir} was trained without the hallucinator (config '${model.config.name}'), which single-image prediction needs`);
  }
  const body = loadTrainingBodyModel(model.config.bodyModel);
  const extractor = await createFeatureExtractor(model.config.features, { visibilityThreshold: model.config.data.visibilityThreshold });
  try {
    const { people, format } = await peopleInImage(options.image, { model: options.model, descriptor: options.descriptor, quality: qualityOrDefault(options) });
    const results: ImagePerson[] = [];
    for (const person of people) {
      const crop = cropOfPerson(person);
      if (!crop) continue;
      const frame = { frameIndex: 0, keypoints: person.keypoints, box: { x: 0, y: 0, width: 0, height: 0 }, crop };
      const keypoints = normaliseTubeKeypoints([frame], format.name);
      const features = await extractor.extract({ tubeId: `image:${options.image}`, videoPath: options.image, frames: [frame], keypoints });
      const prediction = await applyTestTime(
        {
          plain: predictFrames(model.network, body, features.original),
          predictMirrored: () => predictFrames(model.network, body, features.mirrored),
          keypoints,
          keypointsPerFrame: KEYPOINT_COUNT,
          jointsOf: (theta) => jointsOfTheta(body, theta),
          body,
        },
        testTime,
      );
      results.push({ score: person.score, keypoints: person.keypoints, crop, prediction });
    }
    return { image: options.image, checkpointDir: model.checkpointDir, step: model.step, deltaFrames: model.config.model.deltaFrames, keypointFormat: format.name, backend, testTime, people: results };
  } finally {
    await extractor.close();
    body.dispose();
    model.dispose();
  }
}

/** The training crop of one detection: centred on its keypoint box, diagonal scaled to 150 px. */
export function cropOfPerson(person: Person2D): CropParams | undefined {
  const box = boxFromVisibleKeypoints(person.keypoints);
  if (!box || boxDiagonal(box) < DEFAULT_TUBE_BOX_OPTIONS.minDiagonalPx) return undefined;
  const [centerX, centerY] = boxCenter(box);
  return { centerX, centerY, scale: DEFAULT_TUBE_BOX_OPTIONS.targetDiagonalPx / boxDiagonal(box) };
}
