// A video's timeline on a canvas: people detected per processed frame, shot cuts, and one row per
// track with its tubes coloured by decision. Clicking a tube calls onTube(id).

import { trackColor } from './draw-pose.js';

const STATUS_COLORS = { accepted: '#3fb950', rejected: '#f85149' };
const STRIP_HEIGHT = 40;
const ROW_HEIGHT = 18;
const LABEL_WIDTH = 70;

export function drawTimeline(canvas, timeline, frameCount, onTube) {
  const tracks = [...new Set(timeline.tubes.map((tube) => tube.trackId))].sort((a, b) => a - b);
  const width = (canvas.width = canvas.clientWidth || 900);
  const height = (canvas.height = STRIP_HEIGHT + 10 + Math.max(1, tracks.length) * ROW_HEIGHT + 16);
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  const x = (frame) => LABEL_WIDTH + (frame / Math.max(1, frameCount)) * (width - LABEL_WIDTH - 8);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#9aa0a6';
  ctx.fillText('people', 4, STRIP_HEIGHT - 4);

  const most = Math.max(1, ...timeline.frames.map((f) => f.people));
  const step = timeline.frames.length > 1 ? timeline.frames[1].frameIndex - timeline.frames[0].frameIndex : 1;
  ctx.fillStyle = '#58a6ff';
  for (const frame of timeline.frames) {
    const h = (frame.people / most) * (STRIP_HEIGHT - 6);
    ctx.fillRect(x(frame.frameIndex), STRIP_HEIGHT - h, Math.max(1, x(frame.frameIndex + step) - x(frame.frameIndex) - 0.5), h);
  }

  const boxes = [];
  tracks.forEach((trackId, row) => {
    const top = STRIP_HEIGHT + 10 + row * ROW_HEIGHT;
    ctx.fillStyle = '#9aa0a6';
    ctx.fillText(`track ${trackId}`, 4, top + 12);
    for (const tube of timeline.tubes.filter((t) => t.trackId === trackId)) {
      const left = x(tube.firstFrame);
      const right = x(tube.firstFrame + tube.frameCount * step);
      ctx.fillStyle = STATUS_COLORS[tube.status] ?? trackColor(trackId);
      ctx.fillRect(left, top + 2, Math.max(2, right - left - 1), ROW_HEIGHT - 4);
      boxes.push({ id: tube.id, left, right, top, bottom: top + ROW_HEIGHT });
    }
  });

  ctx.strokeStyle = '#f85149';
  ctx.setLineDash([4, 3]);
  for (const cut of timeline.shotStarts) {
    ctx.beginPath();
    ctx.moveTo(x(cut), 0);
    ctx.lineTo(x(cut), height - 14);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = '#9aa0a6';
  for (let i = 0; i <= 4; i++) {
    const frame = Math.round((i / 4) * frameCount);
    ctx.fillText(String(frame), Math.min(width - 30, x(frame)), height - 3);
  }

  canvas.onclick = (event) => {
    const hit = boxes.find((b) => event.offsetX >= b.left && event.offsetX <= b.right && event.offsetY >= b.top && event.offsetY <= b.bottom);
    if (hit) onTube(hit.id);
  };
}
