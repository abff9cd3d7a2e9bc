// Drawing one stored tube frame onto a canvas: box, the model's crop square, limbs, and keypoints
// coloured by confidence. Coordinates arrive in the video's original pixels; `scale` maps them to
// canvas pixels.

const CROP_SIZE_PX = 224; // the training crop (src/tracker/tube.ts TRAINING_CROP_SIZE_PX)

/** The same golden-angle hues as the rendered overlay videos (src/render/pose-overlay.ts). */
export function trackColor(trackId) {
  return `hsl(${(trackId * 137.508) % 360}, 75%, 60%)`;
}

/** Red (0) → yellow → green (1). */
export function confidenceColor(confidence) {
  return `hsl(${Math.round(120 * Math.max(0, Math.min(1, confidence)))}, 85%, 50%)`;
}

/** The crop square in original pixels: centre ± half of 224 crop pixels. */
export function cropRect(frame) {
  const [cx, cy, scale] = frame.crop;
  const side = CROP_SIZE_PX / scale;
  return [cx - side / 2, cy - side / 2, side, side];
}

/** Index of the tube frame showing at `timeSec` (the last one at or before it), or -1 outside the tube. */
export function frameIndexAt(frames, timeSec) {
  if (frames.length === 0 || timeSec < frames[0].timeSec - 1e-3) return -1;
  let low = 0;
  let high = frames.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (frames[mid].timeSec <= timeSec + 1e-3) low = mid;
    else high = mid - 1;
  }
  const last = frames[frames.length - 1];
  const step = frames.length > 1 ? (last.timeSec - frames[0].timeSec) / (frames.length - 1) : 0.04;
  return low === frames.length - 1 && timeSec > last.timeSec + 2 * step ? -1 : low;
}

export function drawTubeFrame(ctx, frame, limbs, scale, color, { crop = true } = {}) {
  const kp = frame.keypoints;
  const width = Math.max(1.5, 2 * scale);
  ctx.save();
  ctx.lineWidth = width;

  if (crop) {
    const [cx, cy, cw, ch] = cropRect(frame);
    ctx.strokeStyle = 'rgba(255,255,255,0.45)';
    ctx.setLineDash([6, 4]);
    ctx.strokeRect(cx * scale, cy * scale, cw * scale, ch * scale);
  }

  const [bx, by, bw, bh] = frame.box;
  ctx.strokeStyle = color;
  ctx.setLineDash(frame.filled ? [3, 3] : []);
  ctx.strokeRect(bx * scale, by * scale, bw * scale, bh * scale);
  ctx.setLineDash([]);

  for (const [a, b] of limbs) {
    if (!(kp[3 * a + 2] > 0) || !(kp[3 * b + 2] > 0)) continue;
    ctx.strokeStyle = color;
    ctx.beginPath();
    ctx.moveTo(kp[3 * a] * scale, kp[3 * a + 1] * scale);
    ctx.lineTo(kp[3 * b] * scale, kp[3 * b + 1] * scale);
    ctx.stroke();
  }
  for (let i = 0; i < kp.length; i += 3) {
    if (!(kp[i + 2] > 0)) continue;
    ctx.fillStyle = confidenceColor(kp[i + 2]);
    ctx.beginPath();
    ctx.arc(kp[i] * scale, kp[i + 1] * scale, width * 1.8, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}
