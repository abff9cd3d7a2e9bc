// The page app's router: #/videos, #/video/<id>, #/tubes?video=&status=&minFrames=&tube=, #/runs?run=.

import { api } from './api.js';
import { el, toast } from './dom.js';
import { showRuns } from './runs-view.js';
import { showTubes } from './tubes-view.js';
import { showVideo, showVideos } from './videos-view.js';

const root = document.getElementById('view');
let cleanup = null;
let shownRoute = null;

async function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  const view = parts[0] ?? 'tubes';
  // The tube screen rewrites its own query while browsing; only a new screen re-renders.
  const key = view === 'tubes' ? 'tubes' : location.hash;
  if (key === shownRoute) return;
  shownRoute = key;
  cleanup?.();
  cleanup = null;
  for (const link of document.querySelectorAll('header nav a')) link.classList.toggle('active', link.dataset.view === view || (view === 'video' && link.dataset.view === 'videos'));
  try {
    if (view === 'videos') await showVideos(root);
    else if (view === 'video') await showVideo(root, Number(parts[1]));
    else if (view === 'runs') await showRuns(root, params);
    else cleanup = await showTubes(root, params);
  } catch (error) {
    root.replaceChildren(el('div.error', {}, error.message));
    toast(error.message, true);
  }
}

window.addEventListener('hashchange', route);
api.server().then((info) => {
  document.getElementById('server-info').textContent = `${info.db}${info.readOnly ? ' · read-only' : ''}`;
}).catch(() => {});
route();
