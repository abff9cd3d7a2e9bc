import type { KeypointFormat, Person2D } from '../domain.js';
import { BadInputFileError } from '../errors.js';
import { PoseDecoder } from '../pose2d/decode.js';
import { geometryOfFrame } from '../pose2d/maps.js';
import { resolveModelFiles } from '../pose2d/model-files.js';
import { normalisationTables, pixelFormatFor, writeFrameTensor } from '../pose2d/preprocess.js';
import { openPoseSession } from '../pose2d/session.js';
import { readFrames } from '../video/frame-source.js';

/**
 * The people pose2d finds in one still image (the first frame of whatever ffmpeg can read),
 * keypoints in the image's pixels. Built from pose2d's public pieces (session, preprocessing,
 * decoder) the way `hmmr label` runs them on a video frame.
 */
export async function detectPeopleInImage(imagePath: string, options: { model?: string; descriptor?: string } = {}): Promise<{ people: Person2D[]; format: KeypointFormat }> {
  const { descriptor, modelPath } = resolveModelFiles(options);
  const session = await openPoseSession(descriptor, modelPath);
  try {
    const pixelFormat = pixelFormatFor(descriptor.input);
    for await (const frame of readFrames(imagePath, { height: descriptor.input.defaultHeight, padToMultiple: descriptor.stride, pixelFormat })) {
      const input = new Float32Array(3 * frame.width * frame.height);
      writeFrameTensor({ data: frame.data, width: frame.width, height: frame.height, pixelFormat }, descriptor.input, normalisationTables(descriptor.input), input, 0);
      const [maps] = await session.run(input, 1, frame.height, frame.width);
      const people = new PoseDecoder(descriptor).decode(maps!, geometryOfFrame(frame));
      return { people, format: descriptor.keypointFormat };
    }
    throw new BadInputFileError(imagePath, 'no picture could be decoded');
  } finally {
    await session.close();
  }
}
