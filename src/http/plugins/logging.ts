// pino options for Fastify: request logs without secrets. Case links, setup and activation links
// carry secrets in the path; they are cut before a line is written. Headers are not logged.
// Request ids: an incoming X-Request-Id (from a proxy or load balancer) is kept when it is a short
// plain token, so one id follows a request through every tier; otherwise a UUID is made. The id is
// in every log line of the request (`reqId`), in the `x-request-id` response header, and in 5xx
// answers, so an operator can go from a user's error to its log line.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

const SECRET_PATH = /\/(c|setup|activate)\/[^/?#]+/g;

/** What an incoming X-Request-Id may look like: no spaces, quotes or control characters to inject into logs. */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '/$1/[redacted]');
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    serializers: {
      req: (req: { method: string; url: string; id?: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        id: req.id,
      }),
    },
  };
}

function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** Fastify constructor options: ids made by requestId() (Fastify's own header option takes any value). */
export const requestIdOptions = {
  requestIdHeader: false,
  genReqId: requestId,
} satisfies Pick<FastifyServerOptions, 'requestIdHeader' | 'genReqId'>;

/** Echoes the request id in every answer. */
export function registerRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
}
