// The JSON API under /api (docs/serve.md). Every refusal comes back as { error } with a 4xx status.

async function request(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(data.error ?? `${method} ${path}: ${response.status}`);
  return data;
}

export const api = {
  server: () => request('GET', '/api/server'),
  videos: () => request('GET', '/api/videos'),
  video: (id) => request('GET', `/api/videos/${id}`),
  timeline: (id) => request('GET', `/api/videos/${id}/timeline`),
  tubes: (query) => request('GET', `/api/tubes${query ? `?${new URLSearchParams(query)}` : ''}`),
  tube: (id) => request('GET', `/api/tubes/${id}`),
  predictions: (id) => request('GET', `/api/tubes/${id}/predictions`),
  curate: (id, change) => request('PATCH', `/api/tubes/${id}`, change),
  runs: () => request('GET', '/api/runs'),
  metrics: (id) => request('GET', `/api/runs/${id}/metrics`),
};

/** The URL the <video> element plays: the file itself, or a transcode starting at `startSec`. */
export function mediaUrl(video, startSec) {
  return video.playback === 'direct' ? `/api/videos/${video.id}/media` : `/api/videos/${video.id}/media?start=${startSec.toFixed(3)}`;
}
