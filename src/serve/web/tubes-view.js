// The curation screen: the tube list (quality figures, sortable, filterable) beside the tube viewer,
// driven by the keyboard. Every decision is a PATCH /api/tubes/:id and moves on to the next tube.

import { api } from './api.js';
import { el, fixed, toast } from './dom.js';
import { TubeViewer } from './tube-viewer.js';

const COLUMNS = [
  { key: 'id', label: 'id', num: true, value: (t) => t.id },
  { key: 'name', label: 'tube', value: (t) => t.name, format: (name) => name.split('/').slice(-2).join('/') },
  { key: 'frames', label: 'frames', num: true, value: (t) => t.frameCount },
  { key: 'score', label: 'score', num: true, value: (t) => t.quality.meanScore, format: (v) => fixed(v, 2) },
  { key: 'visible', label: 'visible kp', num: true, value: (t) => t.quality.visibleKeypoints, format: (v) => fixed(v, 1) },
  { key: 'jitter', label: 'jitter %', num: true, value: (t) => t.quality.jitterPct, format: (v) => fixed(v, 2) },
  { key: 'filled', label: 'filled', num: true, value: (t) => t.quality.filledFrames },
  { key: 'status', label: 'status', value: (t) => t.review.status },
  { key: 'split', label: 'split', value: (t) => t.split },
  { key: 'note', label: 'note', value: (t) => t.review.note },
];

const KEYS = [
  ['a', 'accept'], ['r', 'reject'], ['u', 'unreviewed'], ['1 2 3', 'train / val / test'], ['n', 'note'],
  ['j k', 'next / previous'], ['space', 'play / pause'], [', .', 'frame step'],
];

export async function showTubes(root, params) {
  const state = {
    filter: { video: params.get('video') ?? '', status: params.get('status') ?? '', minFrames: params.get('minFrames') ?? '' },
    sort: { key: 'id', ascending: true },
    tubes: [],
    selectedId: params.has('tube') ? Number(params.get('tube')) : null,
  };
  const { videos } = await api.videos();
  const listBody = el('tbody');
  const header = el('tr');
  const noteInput = el('input', { placeholder: 'note (n to edit, Enter saves)', id: 'note' });
  const decision = el('div.decision');
  const viewerBox = el('div');
  const viewer = new TubeViewer(viewerBox);
  const filters = el('div.filters', {},
    'video', select(['', ...videos.map((v) => String(v.id))], state.filter.video, (v) => v ? `${v} ${videos.find((x) => String(x.id) === v).name}` : 'all', (v) => refilter({ video: v })),
    'status', select(['', 'unreviewed', 'accepted', 'rejected'], state.filter.status, (v) => v || 'all', (v) => refilter({ status: v })),
    'min frames', el('input', { type: 'number', min: 1, value: state.filter.minFrames, style: 'width:5em', onchange: (e) => refilter({ minFrames: e.target.value }) }),
  );
  root.replaceChildren(el('div.curation', {},
    el('div.list-panel', {}, filters, el('table', {}, el('thead', {}, header), listBody)),
    el('div', {}, viewerBox, decision, el('div.decision', {}, noteInput), el('div.keys', {}, KEYS.flatMap(([k, what]) => [el('kbd', {}, k), ` ${what}  `]))),
  ));

  for (const column of COLUMNS) {
    header.append(el(`th.sortable${column.num ? '.num' : ''}`, { onclick: () => sortBy(column.key) }, column.label));
  }

  async function load() {
    const query = Object.fromEntries(Object.entries(state.filter).filter(([, v]) => v !== ''));
    state.tubes = (await api.tubes(query)).tubes;
    renderList();
    const keep = state.tubes.find((t) => t.id === state.selectedId);
    if (keep) await select_(keep.id);
    else if (state.tubes.length > 0) await select_(sorted()[0].id);
    else decision.replaceChildren(el('div.empty', {}, 'no tubes match'));
  }

  function refilter(change) {
    Object.assign(state.filter, change);
    load().catch(showError);
  }

  function sortBy(key) {
    state.sort = { key, ascending: state.sort.key === key ? !state.sort.ascending : true };
    renderList();
  }

  function sorted() {
    const column = COLUMNS.find((c) => c.key === state.sort.key);
    const direction = state.sort.ascending ? 1 : -1;
    return [...state.tubes].sort((a, b) => {
      const [x, y] = [column.value(a), column.value(b)];
      if (x === y) return a.id - b.id;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * direction;
    });
  }

  function renderList() {
    [...header.children].forEach((th, i) => {
      th.classList.toggle('sorted', COLUMNS[i].key === state.sort.key);
      th.classList.toggle('asc', COLUMNS[i].key === state.sort.key && state.sort.ascending);
    });
    listBody.replaceChildren(...sorted().map((tube) => el('tr', { dataset: { tubeId: tube.id }, className: tube.id === state.selectedId ? 'selected' : '', onclick: () => select_(tube.id) },
      COLUMNS.map((c) => {
        const value = c.value(tube);
        return el(`td${c.num ? '.num' : ''}${c.key === 'status' ? `.status-${value}` : ''}`, { title: c.key === 'name' ? value : undefined }, c.format ? c.format(value) : value ?? '');
      }))));
  }

  async function select_(id) {
    state.selectedId = id;
    for (const row of listBody.children) row.classList.toggle('selected', Number(row.dataset.tubeId) === id);
    listBody.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
    const url = new URLSearchParams({ ...Object.fromEntries(Object.entries(state.filter).filter(([, v]) => v !== '')), tube: id });
    history.replaceState(null, '', `#/tubes?${url}`);
    const detail = await api.tube(id);
    if (state.selectedId !== id) return; // a later selection won the race
    viewer.show(detail);
    renderDecision(detail);
  }

  function renderDecision(tube) {
    noteInput.value = tube.review.note;
    decision.replaceChildren(
      el('strong', {}, `#${tube.id} ${tube.name}`),
      el(`span.status-${tube.review.status}`, { id: 'tube-status' }, tube.review.status),
      el('span', {}, `split ${tube.split}`),
      el('span.caption', {}, `${tube.tier} · ${tube.frameCount} frames · ${tube.fps.toFixed(2)} fps${tube.review.reviewedAt ? ` · decided ${new Date(tube.review.reviewedAt).toLocaleString()}` : ''}`),
    );
  }

  async function curate(change, advance) {
    const id = state.selectedId;
    if (id === null) return;
    try {
      const updated = await api.curate(id, change);
      const index = state.tubes.findIndex((t) => t.id === id);
      state.tubes[index] = updated;
      renderList();
      renderDecision(updated);
      toast(`tube ${id}: ${Object.entries(change).map(([k, v]) => `${k} ${v === '' ? '(cleared)' : v}`).join(', ')}`);
      if (advance) move(1);
    } catch (error) {
      showError(error);
    }
  }

  function move(delta) {
    const order = sorted();
    const index = order.findIndex((t) => t.id === state.selectedId);
    const next = order[Math.max(0, Math.min(order.length - 1, index + delta))];
    if (next && next.id !== state.selectedId) select_(next.id).catch(showError);
  }

  const onKey = (event) => {
    if (event.target === noteInput) {
      if (event.key === 'Enter') {
        noteInput.blur();
        curate({ note: noteInput.value }, false);
      } else if (event.key === 'Escape') noteInput.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.tagName === 'INPUT' || event.target.tagName === 'SELECT') return;
    const actions = {
      a: () => curate({ status: 'accepted' }, true),
      r: () => curate({ status: 'rejected' }, true),
      u: () => curate({ status: 'unreviewed' }, false),
      1: () => curate({ split: 'train' }, false),
      2: () => curate({ split: 'val' }, false),
      3: () => curate({ split: 'test' }, false),
      n: () => noteInput.focus(),
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      ' ': () => viewer.togglePlay(),
      ',': () => viewer.step(-1),
      ArrowLeft: () => viewer.step(-1),
      '.': () => viewer.step(1),
      ArrowRight: () => viewer.step(1),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };
  document.addEventListener('keydown', onKey);
  await load();
  return () => {
    document.removeEventListener('keydown', onKey);
    viewer.destroy();
  };
}

function select(values, current, label, onChange) {
  return el('select', { onchange: (e) => onChange(e.target.value) }, values.map((v) => el('option', { value: v, selected: v === current }, label(v))));
}

function showError(error) {
  toast(error.message, true);
}
