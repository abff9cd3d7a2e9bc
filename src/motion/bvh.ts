/**
 * BVH (Biovision Hierarchy) text: SMPL's 24 joints as the hierarchy with the tube's rest offsets
 * (metres), the root with 6 channels (position, then rotation) and every other joint with 3, all
 * rotations `Zrotation Xrotation Yrotation` (R = Rz·Rx·Ry, degrees), one frame per tube frame at
 * the tube's frame rate. Leaf joints (feet, head, hands) end in an End Site half their incoming
 * bone long, which only gives importers a bone length to draw. Coordinates are the export frame
 * of skeleton-animation.ts: y up, as Blender's and most BVH importers expect.
 */
import { SMPL_JOINT_NAMES, SMPL_PARENTS } from '../body/joint-sets.js';
import { eulerZXYOfQuaternion } from '../util/rotation.js';
import type { SkeletonAnimation } from './skeleton-animation.js';

const DEGREES = 180 / Math.PI;
const children = (joint: number) => SMPL_PARENTS.flatMap((parent, child) => (parent === joint ? [child] : []));
const number = (value: number) => (Math.abs(value) < 5e-7 ? '0.000000' : value.toFixed(6));

export function writeBvh(animation: SkeletonAnimation): string {
  const lines: string[] = ['HIERARCHY'];
  const order: number[] = [];
  const writeJoint = (joint: number, depth: number) => {
    const pad = '  '.repeat(depth);
    order.push(joint);
    const offset = joint === 0 ? [0, 0, 0] : animation.offsets[joint]!;
    lines.push(`${pad}${joint === 0 ? 'ROOT' : 'JOINT'} ${SMPL_JOINT_NAMES[joint]}`, `${pad}{`, `${pad}  OFFSET ${offset.map(number).join(' ')}`);
    lines.push(`${pad}  CHANNELS ${joint === 0 ? '6 Xposition Yposition Zposition ' : '3 '}Zrotation Xrotation Yrotation`);
    const kids = children(joint);
    for (const child of kids) writeJoint(child, depth + 1);
    if (kids.length === 0) {
      const end = animation.offsets[joint]!.map((value) => value / 2);
      lines.push(`${pad}  End Site`, `${pad}  {`, `${pad}    OFFSET ${end.map(number).join(' ')}`, `${pad}  }`);
    }
    lines.push(`${pad}}`);
  };
  writeJoint(0, 0);

  lines.push('MOTION', `Frames: ${animation.rotations.length}`, `Frame Time: ${animation.frameTime.toFixed(8)}`);
  // Euler angles continue from the previous frame's, joint by joint (no ±360° jumps).
  let previous: number[][] | undefined;
  animation.rotations.forEach((frame, f) => {
    const angles = order.map((joint) => eulerZXYOfQuaternion(frame[joint]!, previous?.[joint]));
    const byJoint: number[][] = [];
    order.forEach((joint, i) => (byJoint[joint] = angles[i]!));
    previous = byJoint;
    const values = [...animation.rootPositions[f]!, ...angles.flat().map((angle) => angle * DEGREES)];
    lines.push(values.map(number).join(' '));
  });
  return lines.join('\n') + '\n';
}
