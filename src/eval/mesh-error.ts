/**
 * PVE (per-vertex error) for `hmmr eval --checkpoint --smpl`: where both meshes exist.
 * - Ground truth: each tube's stored SMPL pose and shape (camera-frame root) through the user's SMPL
 *   model of the gender recorded at import (hmmr import 3dpw --smpl).
 * - Prediction: the checkpoint's predicted Θ pose and shape through the body model the checkpoint
 *   predicts with (its config's bodyModel).
 * Vertices only correspond between meshes of one topology, so a checkpoint whose body model is not
 * the ground truth's mesh (hmmr's stand-in) is refused rather than given a number.
 */
import { LbsBodyModel } from '../body/lbs.js';
import { bodyModelPath, loadBodyModelFile } from '../body/load.js';
import { LSP_JOINT_COUNT, SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from '../body/joint-sets.js';
import type { BodyModelData } from '../body/model-data.js';
import { OFFICIAL_SMPL_FILE_NAMES, type SmplFiles } from '../body/smpl-files.js';
import { BadInputFileError, InterruptedError, UsageError } from '../errors.js';
import { aggregateAcrossSequences } from '../metrics/aggregate.js';
import { framesFor3dMetrics } from '../metrics/frame-filter.js';
import { perVertexErrorPerFrame } from '../metrics/per-vertex-error.js';
import type { Db } from '../store/database.js';
import { readTubeGroundTruth, readTubeMeshGender, type MeshGender } from '../store/ground-truth.js';
import * as tf from '../tf/tf.js';
import { POSE_OFFSET, SHAPE_OFFSET, THETA_SIZE } from '../train/theta.js';
import { join } from 'node:path';
import type { GroundTruthEvalSet } from './ground-truth-set.js';
import type { MetricRow } from './report.js';

/** Frames posed per tfjs call. */
const FRAMES_PER_BATCH = 128;

/** What PVE needs, loaded and checked before any prediction runs. */
export interface MeshErrorPlan {
  predicted: BodyModelData;
  groundTruth: Map<MeshGender, BodyModelData>;
  /** Per ground-truth sequence, the gender of its mesh, or null when it has none. */
  genders: (MeshGender | null)[];
}

/**
 * Reads which sequences have a ground-truth mesh and loads both sides' models. Refuses (UsageError)
 * when no sequence has one, or when the checkpoint's body model is another mesh than the ground
 * truth's; a gender's model missing from `smpl` is a BadInputFileError naming the file.
 */
export function planMeshError(db: Db, gt: GroundTruthEvalSet, smpl: SmplFiles, checkpoint: { dir: string; bodyModel: string }): MeshErrorPlan {
  const genders = gt.tubeIds.map((tubeId) => readTubeMeshGender(db, tubeId));
  if (genders.every((gender) => gender === null)) {
    throw new UsageError(`--smpl: none of the ${gt.sequences.length} sequences has a ground-truth mesh (import 3DPW with --smpl to record one); PVE cannot be computed`);
  }
  const groundTruth = new Map<MeshGender, BodyModelData>();
  genders.forEach((gender, s) => {
    if (gender === null || groundTruth.has(gender)) return;
    const path = smpl.byGender[gender];
    if (path === undefined) throw new BadInputFileError(join(smpl.folder, OFFICIAL_SMPL_FILE_NAMES[gender]), `missing: the ground-truth mesh of ${gt.sequences[s]!.name} was imported with the ${gender} SMPL model`);
    groundTruth.set(gender, loadBodyModelFile(path));
  });
  const predicted = loadBodyModelFile(bodyModelPath(checkpoint.bodyModel));
  const reference = [...groundTruth.values()][0]!;
  if (predicted.vertexCount !== reference.vertexCount || !sameFaces(predicted.faces, reference.faces)) {
    throw new UsageError(
      `PVE refused: ${checkpoint.dir} predicts with body model '${predicted.name}' (${predicted.vertexCount} vertices), not the ground truth's SMPL mesh (${reference.name}, ${reference.vertexCount} vertices); vertices of different meshes do not correspond. PVE needs a checkpoint trained with an SMPL .pkl as its config's bodyModel`,
    );
  }
  return { predicted, groundTruth, genders };
}

export interface MeshErrorHooks {
  /** Checked between sequences: Ctrl-C stops the (long: two full meshes a frame) computation. */
  signal?: AbortSignal;
  /** Called after each sequence with a mesh. */
  onSequence?: (done: number, total: number) => void;
}

/** The PVE row (mm) of the sequences with a ground-truth mesh; call after a backend is started. */
export function meshErrorRow(db: Db, dbPath: string, gt: GroundTruthEvalSet, thetas: ReadonlyMap<string, Float32Array>, plan: MeshErrorPlan, hooks: MeshErrorHooks = {}): MetricRow {
  const predictedModel = new LbsBodyModel(plan.predicted);
  const groundTruthModels = new Map([...plan.groundTruth].map(([gender, data]) => [gender, new LbsBodyModel(data)]));
  try {
    const errors: Float64Array[] = [];
    const withMesh = plan.genders.filter((gender) => gender !== null).length;
    gt.sequences.forEach((sequence, s) => {
      const gender = plan.genders[s];
      if (!gender) return;
      if (hooks.signal?.aborted) throw new InterruptedError();
      const theta = thetas.get(sequence.name);
      if (!theta) throw new BadInputFileError(dbPath, `no prediction for ${sequence.name}`);
      const frames = readTubeGroundTruth(db, gt.tubeIds[s]!);
      const gtPose = new Float32Array(frames.length * SMPL_POSE_SIZE);
      const gtShape = new Float32Array(frames.length * SMPL_SHAPE_SIZE);
      frames.forEach((frame, f) => {
        if (!frame.pose || !frame.shape) throw new BadInputFileError(dbPath, `${sequence.name} frame ${frame.frameIndex}: a ground-truth mesh needs the stored SMPL pose and shape`);
        gtPose.set(frame.pose, f * SMPL_POSE_SIZE);
        gtShape.set(frame.shape, f * SMPL_SHAPE_SIZE);
      });
      const predPose = new Float32Array(frames.length * SMPL_POSE_SIZE);
      const predShape = new Float32Array(frames.length * SMPL_SHAPE_SIZE);
      for (let f = 0; f < frames.length; f++) {
        predPose.set(theta.subarray(f * THETA_SIZE + POSE_OFFSET, f * THETA_SIZE + POSE_OFFSET + SMPL_POSE_SIZE), f * SMPL_POSE_SIZE);
        predShape.set(theta.subarray(f * THETA_SIZE + SHAPE_OFFSET, f * THETA_SIZE + SHAPE_OFFSET + SMPL_SHAPE_SIZE), f * SMPL_SHAPE_SIZE);
      }
      const mask = framesFor3dMetrics(sequence.frameCount, LSP_JOINT_COUNT, sequence.visible);
      const sequenceErrors = new Float64Array(frames.length);
      // A batch at a time: two full meshes of a long sequence would be hundreds of MB.
      for (let start = 0; start < frames.length; start += FRAMES_PER_BATCH) {
        const end = Math.min(frames.length, start + FRAMES_PER_BATCH);
        const predVertices = posedVertices(predictedModel, predPose, predShape, start, end);
        const gtVertices = posedVertices(groundTruthModels.get(gender)!, gtPose, gtShape, start, end);
        sequenceErrors.set(perVertexErrorPerFrame(predVertices, gtVertices, plan.predicted.vertexCount, mask.subarray(start, end)), start);
      }
      errors.push(sequenceErrors);
      hooks.onSequence?.(errors.length, withMesh);
    });
    const aggregate = aggregateAcrossSequences(errors);
    const mm = (value: number) => (Number.isNaN(value) ? null : value * 1000);
    return {
      key: 'pve',
      label: 'PVE (mesh vertices, no alignment)',
      unit: 'mm',
      perSequence: mm(aggregate.perSequence),
      allFrames: mm(aggregate.allFrames),
      counted: aggregate.countedFrames,
      note: `${withMesh} of ${gt.sequences.length} sequences have a GT mesh (gendered SMPL); prediction through '${plan.predicted.name}'`,
    };
  } finally {
    predictedModel.dispose();
    for (const model of groundTruthModels.values()) model.dispose();
  }
}

/** Frames [start, end) × V × 3 vertices of a body model posed without translation. */
function posedVertices(model: LbsBodyModel, poses: Float32Array, shapes: Float32Array, start: number, end: number): Float32Array {
  const n = end - start;
  const vertices = tf.tidy(() => {
    const pose = tf.tensor2d(poses.subarray(start * SMPL_POSE_SIZE, end * SMPL_POSE_SIZE), [n, SMPL_POSE_SIZE]);
    const shape = tf.tensor2d(shapes.subarray(start * SMPL_SHAPE_SIZE, end * SMPL_SHAPE_SIZE), [n, SMPL_SHAPE_SIZE]);
    return model.forward(pose, shape).vertices;
  });
  const values = vertices.dataSync() as Float32Array;
  vertices.dispose();
  return values;
}

function sameFaces(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((index, i) => index === b[i]);
}
