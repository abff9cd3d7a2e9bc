/**
 * /api/runs: the training runs in the --runs folder (that folder itself and each folder directly in
 * it that holds a metrics.jsonl), their training curves, and the eval reports of their checkpoints
 * (`hmmr eval --checkpoint --json` output or the demo's eval-report.json, found as *.json in the
 * --runs folder or the run's folder). A run is named by its index in that list, so no request path
 * reaches the file system.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { METRICS_FILE, type MetricsLine } from '../train/metrics-log.js';
import { parseId, RequestError } from './request-error.js';
import type { ServerContext } from './server-context.js';

/** The --runs folder and each folder directly in it, when they hold a metrics.jsonl. */
export function listRunDirs(runsDir: string | undefined): string[] {
  if (!runsDir || !existsSync(runsDir)) return [];
  const children = readdirSync(runsDir)
    .sort()
    .map((name) => join(runsDir, name))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
  return [runsDir, ...children].filter((dir) => existsSync(join(dir, METRICS_FILE)));
}

/** Whole lines only: a run still training may be mid-way through writing its last one. */
function readMetrics(dir: string): MetricsLine[] {
  const rows: MetricsLine[] = [];
  for (const line of readFileSync(join(dir, METRICS_FILE), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as MetricsLine);
    } catch {
      // A torn last line; the next request reads it whole.
    }
  }
  return rows;
}

/** The parts of a CheckpointEvaluation (src/eval/evaluate-checkpoint.ts) the page shows. */
interface EvalReportFile {
  file: string;
  checkpoint: string;
  step: number;
  split: string;
  report: { rows: unknown[] };
  dynamics?: unknown;
}

function isEvalReport(value: unknown): value is Omit<EvalReportFile, 'file'> {
  const candidate = value as Partial<EvalReportFile> | null;
  return typeof candidate?.checkpoint === 'string' && Array.isArray(candidate.report?.rows);
}

/** Eval reports of this run's checkpoints, from the --runs folder and the run's own folder. */
function readEvalReports(runsDir: string, runDir: string): EvalReportFile[] {
  const reports: EvalReportFile[] = [];
  for (const dir of new Set([runsDir, runDir])) {
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.json')).sort()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      } catch {
        continue; // not JSON, or not ours
      }
      if (isEvalReport(parsed) && dirname(parsed.checkpoint) === runDir) {
        reports.push({ file: join(dir, name), checkpoint: parsed.checkpoint, step: parsed.step, split: parsed.split, report: parsed.report, dynamics: parsed.dynamics });
      }
    }
  }
  return reports;
}

export function registerRunRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/runs', async () => ({
    runs: listRunDirs(context.runsDir).map((dir, id) => ({ id: id + 1, name: basename(dir), dir })),
  }));

  app.get<{ Params: { id: string } }>('/api/runs/:id/metrics', async (request) => {
    const id = parseId(request.params.id, 'run id');
    const dir = listRunDirs(context.runsDir)[id - 1];
    if (!dir) throw new RequestError(404, `no run ${id}${context.runsDir ? ` in ${context.runsDir}` : ' (start hmmr serve with --runs <folder>)'}`);
    return { id, name: basename(dir), metrics: readMetrics(dir), evaluations: readEvalReports(context.runsDir!, dir) };
  });
}
