// Runs: the training runs of the --runs folder, and one run's curves from its metrics.jsonl.

import { api } from './api.js';
import { el } from './dom.js';
import { drawLineChart } from './chart.js';

export async function showRuns(root, params) {
  const { runs } = await api.runs();
  if (runs.length === 0) {
    root.replaceChildren(el('div.empty', {}, 'no training runs: start hmmr serve with --runs <folder> (a run folder, or a folder of them, holding metrics.jsonl)'));
    return;
  }
  const selected = Number(params.get('run') ?? runs[0].id);
  const charts = el('div');
  root.replaceChildren(
    el('div.filters', {}, 'run', el('select', { onchange: (e) => (location.hash = `#/runs?run=${e.target.value}`) },
      runs.map((run) => el('option', { value: run.id, selected: run.id === selected }, `${run.name} (${run.dir})`)))),
    charts,
  );
  const { metrics, name } = await api.metrics(selected);
  const series = (key, pick) => ({ name: key, points: metrics.map((m) => [m.step, pick(m)]) });
  const losses = el('canvas.chart');
  const terms = el('canvas.chart');
  charts.replaceChildren(el('h2', {}, `${name}: ${metrics.length} logged steps, last step ${metrics.at(-1)?.step ?? '–'}`), losses, terms);
  drawLineChart(losses, 'losses', [
    series('encoder', (m) => m.encoderLoss),
    series('discriminator', (m) => m.discriminatorLoss ?? NaN),
    series('grad norm', (m) => m.encoderGradNorm),
  ], { logY: true });
  const termNames = [...new Set(metrics.flatMap((m) => Object.keys(m.terms ?? {})))];
  drawLineChart(terms, 'loss terms (unweighted)', termNames.map((t) => series(t, (m) => m.terms?.[t] ?? NaN)), { logY: true });
}
