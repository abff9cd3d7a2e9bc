/**
 * The page app: plain ES modules, HTML and CSS shipped in src/serve/web, no build step. The files are
 * read once at start into memory and served by name from that fixed set, so no request path reaches
 * the file system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { projectPath } from '../util/project-root.js';
import { RequestError } from './request-error.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface WebFile {
  type: string;
  body: Buffer;
}

export function loadWebApp(dir = projectPath('src', 'serve', 'web')): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  for (const name of readdirSync(dir).sort()) {
    const type = CONTENT_TYPES[extname(name)];
    if (type) files.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  return files;
}

export function registerWebAppRoutes(app: FastifyInstance, files: Map<string, WebFile>): void {
  const send = (name: string) => {
    const file = files.get(name);
    if (!file) throw new RequestError(404, `no app file ${JSON.stringify(name)}`);
    return file;
  };
  app.get('/', async (_request, reply) => {
    const file = send('index.html');
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });
  app.get<{ Params: { name: string } }>('/app/:name', async (request, reply) => {
    const file = send(request.params.name);
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });
}
