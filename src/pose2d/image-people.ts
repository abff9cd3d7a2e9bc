/**
 * The people in one still image (the first frame of whatever ffmpeg can read), keypoints in the
 * image's pixels, found the way `hmmr label` finds them in a video frame (people-finder.ts): same
 * frame source, same network inputs, same averaging and decoding.
 */
import type { KeypointFormat, Person2D } from '../domain.js';
import { BadInputFileError } from '../errors.js';
import type { DecodeOptions } from './decode-options.js';
import { geometryOfFrame, type FrameGeometry, type PoseMaps } from './maps.js';
import { resolveModelFiles, type PoseQuality } from './model-files.js';
import { PeopleFinder, type Augmentation } from './people-finder.js';
import { openPoseSession } from './session.js';
import { readFrames } from '../video/frame-source.js';

export interface ImagePeopleOptions extends Augmentation {
  /** The ONNX model and its descriptor, or a shipped model by quality (resolveModelFiles). */
  model?: string;
  descriptor?: string;
  quality?: PoseQuality;
  /** Network input height; the descriptor's default when absent. */
  inputHeight?: number;
  decode?: Partial<DecodeOptions>;
}

export interface ImagePeople {
  people: Person2D[];
  format: KeypointFormat;
  /** The maps the people were decoded from (averaged when augmented) and where their cells lie in the image. */
  maps: PoseMaps;
  geometry: FrameGeometry;
}

export async function peopleInImage(imagePath: string, options: ImagePeopleOptions = {}): Promise<ImagePeople> {
  const { descriptor, modelPath } = resolveModelFiles(options);
  const finder = new PeopleFinder(descriptor, options);
  const session = await openPoseSession(descriptor, modelPath);
  try {
    const height = options.inputHeight ?? descriptor.input.defaultHeight;
    for await (const frame of readFrames(imagePath, { height, padToMultiple: descriptor.stride, pixelFormat: finder.pixelFormat })) {
      const geometry = geometryOfFrame(frame);
      const { people, maps } = await finder.findInFrame(session, frame, geometry);
      return { people, format: descriptor.keypointFormat, maps, geometry };
    }
    throw new BadInputFileError(imagePath, 'no picture could be decoded');
  } finally {
    await session.close();
  }
}
