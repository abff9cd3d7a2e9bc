/**
 * Regenerates models/body/hmmr-standin.npz, hmmr's procedurally generated stand-in for SMPL:
 *   npx tsx scripts/generate-body-model.ts [output.npz]
 * The output is deterministic; test/body/standin.test.ts checks the committed file matches.
 */
import { statSync } from 'node:fs';
import { STANDIN_BODY_MODEL_PATH, writeBodyModelNpz } from '../src/body/load.js';
import { generateStandinBodyModel } from '../src/body/standin/generate.js';

const output = process.argv[2] ?? STANDIN_BODY_MODEL_PATH;
const model = generateStandinBodyModel();
writeBodyModelNpz(output, model);
console.log(
  `${output}: ${model.vertexCount} vertices, ${model.faces.length / 3} faces, keypoint sets ${[...model.keypointRegressors.keys()].join(', ')}, ` +
    `${(statSync(output).size / 1024).toFixed(0)} KiB`,
);
