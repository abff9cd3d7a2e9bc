// A predicted 3D skeleton (LSP-14, metres, camera frame: x right, y down, z away) on a canvas, seen
// through an orbit camera: drag to turn it, double-click to face the camera again. The tube viewer
// calls draw(frameIndex) with the frame on screen, so it plays in step with the video.

const SIZE_PX = 200;
const RIGHT = '#f05a3c';
const LEFT = '#3c96f0';
const CENTRE = '#ebebeb';

export class Skeleton3DView {
  constructor(container) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.canvas.height = SIZE_PX;
    this.canvas.className = 'skeleton-3d';
    this.caption = document.createElement('div');
    this.caption.className = 'caption';
    container.replaceChildren(this.canvas, this.caption);
    this.yaw = 0;
    this.pitch = 0;
    this.shownFrame = null;
    let drag = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, yaw: this.yaw, pitch: this.pitch };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.yaw = drag.yaw + (e.clientX - drag.x) * 0.01;
      this.pitch = Math.max(-1.5, Math.min(1.5, drag.pitch + (e.clientY - drag.y) * 0.01));
      this.redraw();
    });
    this.canvas.addEventListener('pointerup', () => (drag = null));
    this.canvas.addEventListener('dblclick', () => {
      this.yaw = this.pitch = 0;
      this.redraw();
    });
  }

  /** `data`: GET /api/tubes/:id/predictions; the first prediction file's joints are shown. */
  show(data) {
    this.prediction = data.predictions[0];
    this.bones = data.bones;
    this.names = data.joints;
    this.byFrame = new Map(this.prediction.frames.map((frame) => [frame.frameIndex, frame.joints3d]));
    // One scale for the whole tube, so the figure does not breathe from frame to frame.
    let extent = 0.5;
    for (const frame of this.prediction.frames) {
      const [cx, cy, cz] = this.pelvis(frame.joints3d);
      for (let j = 0; j < frame.joints3d.length; j += 3) extent = Math.max(extent, Math.hypot(frame.joints3d[j] - cx, frame.joints3d[j + 1] - cy, frame.joints3d[j + 2] - cz));
    }
    this.pixelsPerMetre = (0.45 * SIZE_PX) / extent;
    this.caption.textContent = `3D prediction, step ${this.prediction.step} (drag to turn)`;
    this.shownFrame = null;
  }

  pelvis(joints) {
    const [r, l] = [this.names.indexOf('right_hip'), this.names.indexOf('left_hip')];
    return [0, 1, 2].map((axis) => (joints[3 * r + axis] + joints[3 * l + axis]) / 2);
  }

  draw(frameIndex) {
    if (frameIndex === this.shownFrame) return;
    this.shownFrame = frameIndex;
    this.redraw();
  }

  redraw() {
    const ctx = this.canvas.getContext('2d');
    ctx.fillStyle = '#1c1c20';
    ctx.fillRect(0, 0, SIZE_PX, SIZE_PX);
    const joints = this.byFrame?.get(this.shownFrame);
    if (!joints) return;
    const [cx, cy, cz] = this.pelvis(joints);
    const [sy, cyaw, sp, cp] = [Math.sin(this.yaw), Math.cos(this.yaw), Math.sin(this.pitch), Math.cos(this.pitch)];
    const project = (j) => {
      const [x, y, z] = [joints[3 * j] - cx, joints[3 * j + 1] - cy, joints[3 * j + 2] - cz];
      const x1 = cyaw * x + sy * z; // turn about the vertical (y) axis
      const z1 = -sy * x + cyaw * z;
      const y2 = cp * y - sp * z1; // then tilt about the horizontal axis
      return [SIZE_PX / 2 + x1 * this.pixelsPerMetre, SIZE_PX * 0.5 + y2 * this.pixelsPerMetre];
    };
    const side = (j) => (this.names[j].startsWith('right') ? RIGHT : this.names[j].startsWith('left') ? LEFT : CENTRE);
    ctx.lineWidth = 3;
    for (const [a, b] of this.bones) {
      const [pa, pb] = [project(a), project(b)];
      ctx.strokeStyle = side(a) === side(b) ? side(a) : CENTRE;
      ctx.beginPath();
      ctx.moveTo(pa[0], pa[1]);
      ctx.lineTo(pb[0], pb[1]);
      ctx.stroke();
    }
  }
}
