/**
 * /api/runs: the training runs in the --runs folder (that folder itself and each folder directly in
 * it that holds a metrics.jsonl) and their training curves. A run is named by its index in that list,
 * so no request path reaches the file system.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { METRICS_FILE, type MetricsLine } from '../train/metrics-log.js';
import { parseId, RequestError } from './request-error.js';
import type { ServerContext } from './server-context.js';

function listRunDirs(runsDir: string | undefined): string[] {
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

export function registerRunRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/runs', async () => ({
    runs: listRunDirs(context.runsDir).map((dir, id) => ({ id: id + 1, name: basename(dir), dir })),
  }));

  app.get<{ Params: { id: string } }>('/api/runs/:id/metrics', async (request) => {
    const id = parseId(request.params.id, 'run id');
    const dir = listRunDirs(context.runsDir)[id - 1];
    if (!dir) throw new RequestError(404, `no run ${id}${context.runsDir ? ` in ${context.runsDir}` : ' (start hmmr serve with --runs <folder>)'}`);
    return { id, name: basename(dir), metrics: readMetrics(dir) };
  });
}
