// Videos: every ingested video with its probe facts, label runs and tube decisions; one video's
// facts, label runs (model, settings, status) and timeline.

import { api } from './api.js';
import { el, fixed } from './dom.js';
import { drawTimeline } from './timeline.js';

export async function showVideos(root) {
  const { videos } = await api.videos();
  if (videos.length === 0) {
    root.replaceChildren(el('div.empty', {}, 'no videos yet: hmmr ingest <folder>, then hmmr label'));
    return;
  }
  const rows = videos.map((v) => {
    const run = v.labelRuns[0];
    return el('tr', { onclick: () => (location.hash = `#/video/${v.id}`) },
      el('td.num', {}, v.id), el('td', { title: v.path }, v.name), el('td', {}, `${v.width}×${v.height}`),
      el('td.num', {}, fixed(v.fps, 2)), el('td.num', {}, `${v.frameCount}${v.frameCountExact ? '' : '~'}`), el('td.num', {}, `${fixed(v.durationSec, 1)} s`),
      el('td', {}, `${v.codec} / ${v.container.split(',')[0]}`), el('td', {}, v.playback),
      el('td', {}, run ? `${run.status}, ${describeProgress(run)}` : 'not labelled'),
      el('td.num', {}, v.tubes.total), el('td.num.status-accepted', {}, v.tubes.accepted), el('td.num.status-rejected', {}, v.tubes.rejected));
  });
  root.replaceChildren(el('h2', {}, `${videos.length} videos`), el('table', {},
    el('thead', {}, el('tr', {}, ['id', 'file', 'size', 'fps', 'frames', 'duration', 'codec', 'playback', 'labelling', 'tubes', 'accepted', 'rejected'].map((h) => el('th', {}, h)))),
    el('tbody', {}, rows)));
}

export async function showVideo(root, id) {
  const [video, timeline] = await Promise.all([api.video(id), api.timeline(id)]);
  const canvas = el('canvas.timeline', { id: 'timeline' });
  const facts = [
    ['file', video.path], ['size', `${video.width}×${video.height}${video.rotationDeg ? ` (rotated ${video.rotationDeg}°)` : ''}`],
    ['frame rate', `${fixed(video.fps, 3)} fps${video.variableFps ? ' (variable)' : ''}`], ['frames', `${video.frameCount}${video.frameCountExact ? '' : ' (estimated)'}`],
    ['duration', `${fixed(video.durationSec, 2)} s`], ['codec', `${video.codec} in ${video.container}`], ['playback', video.playback],
    ['sha256', video.sha256.slice(0, 16) + '…'], ['ingested', new Date(video.ingestedAt).toLocaleString()],
    ['tubes', `${video.tubes.total}: ${video.tubes.accepted} accepted, ${video.tubes.rejected} rejected, ${video.tubes.unreviewed} unreviewed`],
  ];
  const runs = video.labelRuns.map((run) => el('tr', {},
    el('td.num', {}, run.id), el('td', {}, `${run.modelName} (${run.source}, ${run.keypointFormat})`), el('td', {}, run.status),
    el('td', {}, describeProgress(run)),
    el('td', { title: JSON.stringify(run.params, null, 1) }, summariseParams(run.params)), el('td', {}, new Date(run.startedAt).toLocaleString()), el('td.error', {}, run.error ?? '')));
  root.replaceChildren(
    el('h2', {}, `video ${video.id}: ${video.name}`),
    el('dl.facts', {}, facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    el('h2', {}, 'label runs'),
    el('table', {}, el('thead', {}, el('tr', {}, ['id', 'model', 'status', 'frames', 'settings', 'started', 'error'].map((h) => el('th', {}, h)))), el('tbody', {}, runs)),
    el('h2', {}, `timeline: ${timeline.frames.length} processed frames, ${timeline.shotStarts.length} shot cuts, ${timeline.tubes.length} tubes (click one)`),
    canvas,
  );
  drawTimeline(canvas, timeline, video.frameCount, (tubeId) => (location.hash = `#/tubes?video=${video.id}&tube=${tubeId}`));
}

function describeProgress(run) {
  return run.status === 'done' ? `${run.framesTotal} frames` : `at video frame ${run.nextFrame}${run.framesTotal ? ` of ~${run.framesTotal} frames` : ''}`;
}

function summariseParams(params) {
  return Object.entries(params).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}=${v}`).join(' ');
}
