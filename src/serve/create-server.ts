/**
 * One hmmr web server over one database: access control, the JSON API under /api, the page app at /,
 * and one error shape for everything refused: `{ "error": "<one line>" }` with a 4xx status. Nothing
 * a client sends can crash the process; a fault of our own is a 500 and is logged.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerAccessControl, type AccessPolicy } from './access-control.js';
import { registerPredictionRoutes } from './prediction-routes.js';
import { registerRunRoutes } from './run-routes.js';
import type { ServerContext } from './server-context.js';
import { registerTubeRoutes } from './tube-routes.js';
import { registerVideoRoutes } from './video-routes.js';
import { loadWebApp, registerWebAppRoutes } from './web-app-routes.js';

export type ServerOptions = ServerContext & AccessPolicy;

export function createServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  registerAccessControl(app, options);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) options.log.error(`${request.method} ${request.url}: ${error.stack ?? error.message}`);
    return reply.code(status).send({ error: status === 500 ? `internal error: ${error.message}` : error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));
  registerVideoRoutes(app, options);
  registerTubeRoutes(app, options);
  registerRunRoutes(app, options);
  registerPredictionRoutes(app, options);
  registerWebAppRoutes(app, loadWebApp());
  app.get('/api/server', async () => ({ readOnly: options.readOnly, db: options.dbPath, runs: options.runsDir ?? null }));
  return app;
}
