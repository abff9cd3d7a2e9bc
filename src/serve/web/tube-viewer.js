// The tube viewer: the video (or, for synthetic tubes, a black stage) with the stored skeleton, box
// and crop drawn over it, looping over the tube's time range; the crop the model sees; per-keypoint
// confidence of the frame on screen; a strip to scrub through the tube. The stage's data-tube-id and
// data-frame-index attributes say what is on screen (the browser test reads them).

import { api, mediaUrl } from './api.js';
import { el } from './dom.js';
import { confidenceColor, cropRect, drawTubeFrame, frameIndexAt, trackColor } from './draw-pose.js';
import { Skeleton3DView } from './skeleton-3d-view.js';

const CROP_VIEW_PX = 160;

export class TubeViewer {
  constructor(container) {
    this.video = el('video', { muted: true, playsInline: true, preload: 'auto' });
    this.overlay = el('canvas.overlay');
    this.stage = el('div.stage', {}, this.video, this.overlay);
    this.cropCanvas = el('canvas', { width: CROP_VIEW_PX, height: CROP_VIEW_PX });
    this.confidence = el('div.confidence');
    this.scrub = el('canvas.scrub', { height: 36, onclick: (event) => this.seekToFraction(event.offsetX / this.scrub.clientWidth) });
    this.caption = el('div.caption');
    this.skeletonBox = el('div.crop-box', { hidden: true });
    this.skeleton = new Skeleton3DView(this.skeletonBox);
    container.append(
      this.stage,
      this.scrub,
      el('div.viewer-row', {}, el('div.crop-box', {}, this.cropCanvas, el('div.caption', {}, 'the model\'s crop')), this.skeletonBox, this.confidence),
      this.caption,
    );
    this.tube = null;
    this.offsetSec = 0; // a transcoded stream starts at offsetSec of the video
    this.clock = { playing: false, startedAt: 0, base: 0 }; // synthetic tubes have no video to keep time
    this.shownRow = -2;
    this.video.addEventListener('error', () => (this.caption.textContent = `cannot play the video: ${this.video.error?.message ?? 'unknown error'}`));
    const tick = () => {
      this.frameRequest = requestAnimationFrame(tick);
      this.draw();
    };
    tick();
  }

  destroy() {
    cancelAnimationFrame(this.frameRequest);
    this.video.removeAttribute('src');
    this.video.load();
  }

  get hasVideo() {
    return this.tube?.video != null;
  }

  /** Shows a tube (GET /api/tubes/:id) from its first frame, playing. */
  show(tube) {
    this.tube = tube;
    this.shownRow = -2;
    this.stage.dataset.tubeId = String(tube.id);
    this.stage.dataset.frameIndex = '';
    const first = tube.frames[0]?.timeSec ?? 0;
    const size = tube.video ? [tube.video.width, tube.video.height] : syntheticExtent(tube.frames);
    this.size = size;
    this.stage.style.aspectRatio = `${size[0]} / ${size[1]}`;
    // As wide as the panel, but never taller than most of the window (portrait clips).
    this.stage.style.width = `min(100%, calc(62vh * ${size[0] / size[1]}))`;
    this.renderConfidenceRows(tube.format.keypoints);
    this.showPrediction(tube.id);
    if (!tube.video) {
      // No video behind a synthetic tube: unload the last one so the stage is black.
      this.video.removeAttribute('src');
      this.video.load();
      this.clock = { playing: true, startedAt: performance.now(), base: first };
      return;
    }
    const url = mediaUrl(tube.video, first);
    this.offsetSec = tube.video.playback === 'direct' ? 0 : first;
    // The same file again (the next tube of one video) keeps the loaded media: only a seek.
    if (this.video.getAttribute('src') !== url) this.video.src = url;
    if (tube.video.playback === 'direct') this.video.currentTime = first;
    this.video.play().catch(() => {});
  }

  /** The 3D panel appears when a prediction file in the --runs folder covers this tube. */
  async showPrediction(tubeId) {
    this.skeletonBox.hidden = true;
    const data = await api.predictions(tubeId).catch(() => ({ predictions: [] }));
    if (this.tube?.id !== tubeId || data.predictions.length === 0) return;
    this.skeleton.show(data);
    this.skeletonBox.hidden = false;
  }

  currentTime() {
    if (this.hasVideo) return this.offsetSec + this.video.currentTime;
    const { playing, startedAt, base } = this.clock;
    return playing ? base + (performance.now() - startedAt) / 1000 : base;
  }

  setTime(timeSec) {
    if (this.hasVideo) {
      if (this.tube.video.playback === 'direct') this.video.currentTime = timeSec;
      else {
        this.offsetSec = timeSec;
        this.video.src = mediaUrl(this.tube.video, timeSec);
        this.video.play().catch(() => {});
      }
    } else this.clock = { ...this.clock, startedAt: performance.now(), base: timeSec };
  }

  get playing() {
    return this.hasVideo ? !this.video.paused : this.clock.playing;
  }

  togglePlay() {
    if (this.hasVideo) {
      if (this.video.paused) this.video.play().catch(() => {});
      else this.video.pause();
    } else {
      const now = this.currentTime();
      this.clock = { playing: !this.clock.playing, startedAt: performance.now(), base: now };
    }
  }

  /** One tube frame forwards or backwards, paused. */
  step(delta) {
    if (!this.tube) return;
    if (this.playing) this.togglePlay();
    const row = Math.max(0, Math.min(this.tube.frames.length - 1, Math.max(0, this.shownRow) + delta));
    this.setTime(this.tube.frames[row].timeSec);
  }

  seekToFraction(fraction) {
    if (!this.tube || this.tube.frames.length === 0) return;
    const row = Math.round(fraction * (this.tube.frames.length - 1));
    this.setTime(this.tube.frames[row].timeSec);
  }

  draw() {
    const tube = this.tube;
    if (!tube) return;
    const frames = tube.frames;
    let time = this.currentTime();
    const last = frames[frames.length - 1];
    // Loop over the tube while playing.
    if (this.playing && last && time > last.timeSec + 0.25) {
      this.setTime(frames[0].timeSec);
      time = frames[0].timeSec;
    }
    const width = this.stage.clientWidth;
    const height = this.stage.clientHeight;
    if (this.overlay.width !== width || this.overlay.height !== height) {
      this.overlay.width = width;
      this.overlay.height = height;
      this.shownRow = -2;
    }
    const row = frameIndexAt(frames, time);
    const ctx = this.overlay.getContext('2d');
    ctx.clearRect(0, 0, width, height);
    const scale = width / this.size[0];
    if (row >= 0) drawTubeFrame(ctx, frames[row], tube.format.limbs, scale, trackColor(tube.trackId));
    if (row !== this.shownRow) {
      this.shownRow = row;
      this.stage.dataset.frameIndex = row >= 0 ? String(frames[row].frameIndex) : '';
      this.updateConfidence(row >= 0 ? frames[row] : null);
      this.drawScrub(row);
      this.caption.textContent = row >= 0 ? `frame ${frames[row].frameIndex} · ${frames[row].timeSec.toFixed(2)} s · tube frame ${row + 1}/${frames.length}${frames[row].filled ? ' · filled across a gap' : ''}` : 'outside the tube';
    }
    this.drawCrop(row >= 0 ? frames[row] : null);
    if (!this.skeletonBox.hidden) this.skeleton.draw(row >= 0 ? frames[row].frameIndex : null);
  }

  drawCrop(frame) {
    const ctx = this.cropCanvas.getContext('2d');
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, CROP_VIEW_PX, CROP_VIEW_PX);
    if (!frame) return;
    const [x, y, side] = cropRect(frame);
    const zoom = CROP_VIEW_PX / side;
    if (this.hasVideo && this.video.videoWidth > 0) {
      const toVideo = this.video.videoWidth / this.size[0];
      ctx.drawImage(this.video, x * toVideo, y * toVideo, side * toVideo, side * toVideo, 0, 0, CROP_VIEW_PX, CROP_VIEW_PX);
    }
    ctx.save();
    ctx.translate(-x * zoom, -y * zoom);
    drawTubeFrame(ctx, frame, this.tube.format.limbs, zoom, trackColor(this.tube.trackId), { crop: false });
    ctx.restore();
  }

  renderConfidenceRows(names) {
    this.confidence.replaceChildren();
    this.confidenceBars = names.map((name) => {
      const fill = el('div');
      const value = el('span');
      this.confidence.append(el('span', {}, name), el('div.bar', {}, fill), value);
      return { fill, value };
    });
  }

  updateConfidence(frame) {
    this.confidenceBars.forEach(({ fill, value }, k) => {
      const c = frame ? frame.keypoints[3 * k + 2] : 0;
      fill.style.width = `${Math.round(100 * c)}%`;
      fill.style.background = confidenceColor(c);
      value.textContent = frame ? c.toFixed(2) : '';
    });
  }

  /** The tube as a strip: mean keypoint confidence per frame, filled frames in grey, the playhead. */
  drawScrub(row) {
    const frames = this.tube.frames;
    const width = (this.scrub.width = this.scrub.clientWidth || 600);
    const height = this.scrub.height;
    const ctx = this.scrub.getContext('2d');
    ctx.clearRect(0, 0, width, height);
    const barWidth = width / Math.max(1, frames.length);
    frames.forEach((frame, i) => {
      let sum = 0;
      for (let k = 2; k < frame.keypoints.length; k += 3) sum += frame.keypoints[k];
      const mean = sum / (frame.keypoints.length / 3);
      ctx.fillStyle = frame.filled ? '#555' : confidenceColor(mean);
      const barHeight = Math.max(2, mean * (height - 4));
      ctx.fillRect(i * barWidth, height - barHeight, Math.max(1, barWidth - 0.5), barHeight);
    });
    if (row >= 0) {
      ctx.fillStyle = '#fff';
      ctx.fillRect((row + 0.5) * barWidth - 1, 0, 2, height);
    }
  }
}

/** Synthetic tubes have no video: a stage just big enough for every keypoint, from the origin. */
function syntheticExtent(frames) {
  let maxX = 1;
  let maxY = 1;
  for (const frame of frames) {
    const [bx, by, bw, bh] = frame.box;
    maxX = Math.max(maxX, bx + bw);
    maxY = Math.max(maxY, by + bh);
  }
  return [Math.ceil(maxX * 1.1), Math.ceil(maxY * 1.1)];
}
