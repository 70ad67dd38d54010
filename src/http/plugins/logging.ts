// pino options for Fastify: request logs without secrets. Case links, setup and activation links
// carry secrets in the path; they are cut before a line is written. Headers are not logged.
import type { FastifyServerOptions } from 'fastify';

const SECRET_PATH = /\/(c|setup|activate)\/[^/?#]+/g;

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
