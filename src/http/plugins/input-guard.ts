// Rejects text that no database column can hold: PostgreSQL refuses NUL characters in text, so a
// NUL anywhere in a body, query or path would otherwise surface as a 500. Clients get a clear 400.
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';

function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes('\u0000')) return path || 'body';
    const hit = findNul(v, path ? `${path}.${k}` : k, depth + 1);
    if (hit) return hit;
  }
  return null;
}

export function registerInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const hit =
      (request.url.includes('%00') || request.url.includes('\u0000') ? 'url' : null) ??
      findNul(request.query, 'query') ??
      findNul(request.body, '');
    if (hit)
      throw new ValidationError(
        [{ field: hit, message: 'Text may not contain NUL characters.' }],
        'The request contains a NUL character.',
      );
  });
}
