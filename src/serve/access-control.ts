/**
 * Who may talk to the server. On a loopback address, only requests that name a loopback host (so a
 * web page cannot reach the server through DNS rebinding). On any other address, only requests that
 * carry the token printed at start: `?token=` once (the server then sets a cookie, which the page's
 * later requests and the <video> element carry), a `hmmr_token` cookie, or `Authorization: Bearer`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from './request-error.js';

export interface AccessPolicy {
  /** Required on every request when set (non-loopback hosts). */
  token?: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const COOKIE = 'hmmr_token';

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  return hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.replace(/:\d+$/, '');
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === COOKIE) return value;
  }
  return undefined;
}

export function registerAccessControl(app: FastifyInstance, policy: AccessPolicy): void {
  const { token } = policy;
  app.addHook('onRequest', async (request, reply) => {
    if (token === undefined) {
      if (!isLoopbackHost(hostnameOf(request.headers.host))) throw new RequestError(403, `this server only answers requests for a loopback host, not ${JSON.stringify(request.headers.host ?? '')}`);
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const fromQuery = (request.query as Record<string, string | undefined>).token;
    if (sameToken(bearer, token) || sameToken(cookieToken(request), token)) return;
    if (sameToken(fromQuery, token)) {
      reply.header('set-cookie', `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`);
      return;
    }
    throw new RequestError(401, 'this server needs the access token printed when it started (open the URL it printed)');
  });
}
