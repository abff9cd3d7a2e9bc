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
  const { metrics, name, evaluations } = await api.metrics(selected);
  const series = (key, pick) => ({ name: key, points: metrics.map((m) => [m.step, pick(m)]) });
  const losses = el('canvas.chart');
  const terms = el('canvas.chart.tall'); // room for a legend of some twenty loss terms
  charts.replaceChildren(el('h2', {}, `${name}: ${metrics.length} logged steps, last step ${metrics.at(-1)?.step ?? '–'}`), losses, terms, ...evaluations.map(evaluationTables));
  drawLineChart(losses, 'losses', [
    series('encoder', (m) => m.encoderLoss),
    series('discriminator', (m) => m.discriminatorLoss ?? NaN),
    series('grad norm', (m) => m.encoderGradNorm),
  ], { logY: true });
  const termNames = [...new Set(metrics.flatMap((m) => Object.keys(m.terms ?? {})))];
  drawLineChart(terms, 'loss terms (unweighted)', termNames.map((t) => series(t, (m) => m.terms?.[t] ?? NaN)), { logY: true });
}

/** One eval report (hmmr eval --checkpoint): the metrics table and, when present, the dynamics table. */
function evaluationTables(evaluation) {
  const number = (value) => (value === null || value === undefined ? '–' : value.toFixed(1));
  const metrics = el('table.compact', {},
    el('thead', {}, el('tr', {}, ['metric', 'unit', 'per sequence', 'all frames', 'frames'].map((h) => el('th', {}, h)))),
    el('tbody', {}, evaluation.report.rows.map((row) => el('tr', { title: row.note ?? '' },
      el('td', {}, row.label), el('td', {}, row.unit), el('td.num', {}, number(row.perSequence)), el('td.num', {}, number(row.allFrames)), el('td.num', {}, row.counted ?? '')))));
  const parts = [el('h2', {}, `eval: step ${evaluation.step}, ${evaluation.split} split (${evaluation.file})`), metrics];
  const dynamics = evaluation.dynamics?.report;
  if (dynamics) {
    parts.push(el('h2', {}, `dynamics from one frame: PA-MPJPE (mm, per sequence) at t − ${dynamics.deltaFrames}, t, t + ${dynamics.deltaFrames}`), el('table.compact', {},
      el('thead', {}, el('tr', {}, ['predictor', 'past', 'current', 'future'].map((h) => el('th', {}, h)))),
      el('tbody', {}, dynamics.rows.map((row) => el('tr', {}, el('td', {}, row.label),
        ['past', 'current', 'future'].map((when) => el('td.num', {}, number(row.cells[when]?.perSequence))))))));
  }
  return el('div', {}, parts);
}
