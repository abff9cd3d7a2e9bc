/**
 * A 3D LSP-14 skeleton drawn into a square-ish panel, seen from the front (the camera's view: x right,
 * y down) or from the side (depth z to the right, y down). Joints are pelvis-centred and drawn at a
 * fixed pixels-per-metre, so the figure does not breathe with the prediction's scale.
 */
import { KEYPOINT_SETS, LSP_JOINT_COUNT, LSP_LEFT_HIP, LSP_RIGHT_HIP } from '../body/joint-sets.js';
import { drawDot, drawLine, fillRect, type Rgb, type RgbImage } from './raster.js';

export type SkeletonView = 'front' | 'side';

const LSP = KEYPOINT_SETS.lsp14!;
const at = (name: string) => LSP.indexOf(name);

/** Bones of the LSP-14 set by joint name, so the order of the set is not repeated here. */
const BONES: readonly (readonly [string, string])[] = [
  ['right_ankle', 'right_knee'], ['right_knee', 'right_hip'], ['left_ankle', 'left_knee'], ['left_knee', 'left_hip'],
  ['right_hip', 'left_hip'], ['right_hip', 'right_shoulder'], ['left_hip', 'left_shoulder'], ['right_shoulder', 'left_shoulder'],
  ['right_wrist', 'right_elbow'], ['right_elbow', 'right_shoulder'], ['left_wrist', 'left_elbow'], ['left_elbow', 'left_shoulder'],
  ['right_shoulder', 'neck'], ['left_shoulder', 'neck'], ['neck', 'head_top'],
];
export const LSP_BONES: readonly (readonly [number, number])[] = BONES.map(([a, b]) => [at(a), at(b)] as const);

const RIGHT: Rgb = [240, 90, 60];
const LEFT: Rgb = [60, 150, 240];
const CENTRE: Rgb = [235, 235, 235];
const BACKGROUND: Rgb = [28, 28, 32];
const GROUND: Rgb = [70, 70, 78];
const PELVIS_HEIGHT_FRACTION = 0.45;

function boneColor(a: number, b: number): Rgb {
  const side = (j: number) => (LSP[j]!.startsWith('right') ? 1 : LSP[j]!.startsWith('left') ? -1 : 0);
  const s = side(a) + side(b);
  return s > 0 ? RIGHT : s < 0 ? LEFT : CENTRE;
}

/**
 * Pixel coordinates of 14 joints (metres, [14 × 3]) in a view: pelvis (hip midpoint) at the
 * horizontal centre and 45% down, `pixelsPerMetre` fixed. Returns [14 × 2].
 */
export function projectSkeleton(joints: ArrayLike<number>, view: SkeletonView, width: number, height: number, pixelsPerMetre: number): Float64Array {
  const right = LSP_RIGHT_HIP * 3;
  const left = LSP_LEFT_HIP * 3;
  const pelvis = [0, 1, 2].map((d) => (joints[right + d]! + joints[left + d]!) / 2);
  const horizontal = view === 'front' ? 0 : 2;
  const out = new Float64Array(LSP_JOINT_COUNT * 2);
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    out[j * 2] = width / 2 + (joints[j * 3 + horizontal]! - pelvis[horizontal]!) * pixelsPerMetre;
    out[j * 2 + 1] = height * PELVIS_HEIGHT_FRACTION + (joints[j * 3 + 1]! - pelvis[1]!) * pixelsPerMetre;
  }
  return out;
}

/**
 * Fills a panel-sized image: background, a ground line below the pelvis, a border on the left, and
 * the skeleton when there is one (drawing is clipped to the panel because the panel is its own image).
 */
export function drawSkeletonPanel(panel: RgbImage, joints: ArrayLike<number> | undefined, view: SkeletonView): void {
  const { width, height } = panel;
  fillRect(panel, 0, 0, width, height, BACKGROUND);
  // 2.2 m of height and 1.7 m of arm span fit the panel.
  const pixelsPerMetre = Math.min(height / 2.2, width / 1.7);
  const groundY = height * PELVIS_HEIGHT_FRACTION + 0.95 * pixelsPerMetre;
  drawLine(panel, width * 0.1, groundY, width * 0.9, groundY, 1, GROUND);
  fillRect(panel, 0, 0, 1, height, GROUND);
  if (!joints || joints.length < LSP_JOINT_COUNT * 3) return;
  for (let i = 0; i < LSP_JOINT_COUNT * 3; i++) if (!Number.isFinite(joints[i]!)) return;
  const points = projectSkeleton(joints, view, width, height, pixelsPerMetre);
  const thickness = Math.max(2, Math.round(height / 150));
  for (const [a, b] of LSP_BONES) {
    drawLine(panel, points[a * 2]!, points[a * 2 + 1]!, points[b * 2]!, points[b * 2 + 1]!, thickness, boneColor(a, b));
  }
  for (let j = 0; j < LSP_JOINT_COUNT; j++) drawDot(panel, points[j * 2]!, points[j * 2 + 1]!, thickness * 2, CENTRE);
}
