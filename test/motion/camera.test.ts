import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cameraTranslation, originalFrameCamera } from '../../src/motion/camera.js';

const frame = { width: 1280, height: 720 };
const crop = { centerX: 800, centerY: 300, scale: 0.6 };
const camera = [0.85, 0.07, -0.12];

/** Where Θ's weak-perspective camera puts a body point (model frame, z ignored) in original pixels: through the 224-px crop. */
function weakPerspectivePixel(point: number[]): [number, number] {
  const cropX = (camera[0]! * (point[0]! + camera[1]!) + 1) * 112;
  const cropY = (camera[0]! * (point[1]! + camera[2]!) + 1) * 112;
  return [crop.centerX + (cropX - 112) / crop.scale, crop.centerY + (cropY - 112) / crop.scale];
}

test('the camera translation puts body points where the crop camera projects them, through a pinhole of the given focal length', () => {
  for (const focal of [600, 1500]) {
    const t = cameraTranslation(camera, crop, frame, focal);
    for (const point of [[0, 0, 0], [0.3, -0.5, 0], [-0.2, 0.8, 0]]) {
      const expected = weakPerspectivePixel(point);
      const u = frame.width / 2 + (focal * (point[0]! + t[0])) / (point[2]! + t[2]);
      const v = frame.height / 2 + (focal * (point[1]! + t[1])) / (point[2]! + t[2]);
      assert.ok(Math.hypot(u - expected[0], v - expected[1]) < 1e-9, `${point} → (${u}, ${v}), expected ${expected}`);
    }
    assert.ok(t[2] > 0, 'in front of the camera');
  }
  assert.ok(cameraTranslation(camera, crop, frame, 1500)[2] > cameraTranslation(camera, crop, frame, 600)[2], 'a longer lens puts the body further away');
});

test("VIBE's orig_cam projects body points to the same original pixels in whole-frame normalised coordinates", () => {
  const [sx, sy, tx, ty] = originalFrameCamera(camera, crop, frame);
  for (const point of [[0, 0], [0.3, -0.5], [-0.2, 0.8]]) {
    const expected = weakPerspectivePixel(point);
    const u = (sx * (point[0]! + tx) + 1) * (frame.width / 2);
    const v = (sy * (point[1]! + ty) + 1) * (frame.height / 2);
    assert.ok(Math.hypot(u - expected[0], v - expected[1]) < 1e-9, `${point} → (${u}, ${v}), expected ${expected}`);
  }
});
