/**
 * GET /api/tubes/:id/predictions: the 3D joints `hmmr predict --out <file>.json` predicted for a tube,
 * from every such file in the --runs folder or its run folders. A file's tube is matched by id AND
 * name, so a file predicted from another database does not show up on the wrong tube. Files are
 * parsed once per (size, mtime).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { KEYPOINT_SETS } from '../body/joint-sets.js';
import { LSP_BONES } from '../render/skeleton-3d.js';
import { getCuratedTube } from '../store/tube-reviews.js';
import { parseId, RequestError } from './request-error.js';
import { listRunDirs } from './run-routes.js';
import type { ServerContext } from './server-context.js';

/** The parts of `hmmr predict`'s JSON (src/predict/prediction-file.ts) the 3D viewer draws. */
interface PredictionFile {
  format: 'hmmr-predictions';
  checkpoint: string;
  step: number;
  jointSet: string;
  tubes: { tubeId: number; name: string; frames: { frameIndex: number; joints3d: number[][] }[] }[];
}

function isPredictionFile(value: unknown): value is PredictionFile {
  const candidate = value as Partial<PredictionFile> | null;
  return candidate?.format === 'hmmr-predictions' && Array.isArray(candidate.tubes);
}

class PredictionFiles {
  private readonly parsed = new Map<string, { stamp: string; file: PredictionFile | undefined }>();

  constructor(private readonly runsDir: string | undefined) {}

  /** Every prediction file now in the --runs folders, parsed (cached while unchanged). */
  all(): { path: string; file: PredictionFile }[] {
    if (!this.runsDir) return [];
    const paths = [...new Set([this.runsDir, ...listRunDirs(this.runsDir)])].flatMap((dir) =>
      readdirSync(dir).filter((name) => name.endsWith('.json')).sort().map((name) => join(dir, name)),
    );
    return paths.flatMap((path) => {
      const file = this.read(path);
      return file ? [{ path, file }] : [];
    });
  }

  private read(path: string): PredictionFile | undefined {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats?.isFile()) return undefined;
    const stamp = `${stats.size}@${stats.mtimeMs}`;
    const cached = this.parsed.get(path);
    if (cached?.stamp === stamp) return cached.file;
    let file: PredictionFile | undefined;
    try {
      const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
      file = isPredictionFile(value) ? value : undefined;
    } catch {
      file = undefined; // not JSON: not a prediction file
    }
    this.parsed.set(path, { stamp, file });
    return file;
  }
}

export function registerPredictionRoutes(app: FastifyInstance, context: ServerContext): void {
  const files = new PredictionFiles(context.runsDir);
  app.get<{ Params: { id: string } }>('/api/tubes/:id/predictions', async (request) => {
    const id = parseId(request.params.id, 'tube id');
    const tube = getCuratedTube(context.db, id);
    if (!tube) throw new RequestError(404, `no tube ${id}`);
    const predictions = files.all().flatMap(({ path, file }) => {
      const predicted = file.tubes.find((candidate) => candidate.tubeId === tube.id && candidate.name === tube.name);
      if (!predicted || file.jointSet !== 'lsp14') return [];
      return [{
        file: path,
        checkpoint: file.checkpoint,
        step: file.step,
        jointSet: file.jointSet,
        frames: predicted.frames.map((frame) => ({ frameIndex: frame.frameIndex, joints3d: frame.joints3d.flat() })),
      }];
    });
    return { joints: KEYPOINT_SETS.lsp14, bones: LSP_BONES, predictions };
  });
}
