// Rejects text that no database column can hold: PostgreSQL refuses NUL characters in text, so a
// NUL anywhere in a body, query or path would otherwise surface as a 500. Clients get a clear 400.
// Also refuses bodies and query strings over the shape limits of domain/input-limits.ts (depth, keys,
// items, form fields, query parameters) with a 413 payload-too-large, before validation or any
// handler walks them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PayloadTooLargeError, ValidationError } from '../../domain/errors.ts';
import { MAX_FORM_FIELDS, MAX_QUERY_PARAMS, structureProblem } from '../../domain/input-limits.ts';

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

/** Fields of a parsed form or query string (a repeated name counts each time). */
function fieldCount(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  for (const v of Object.values(value as Record<string, unknown>)) n += Array.isArray(v) ? v.length : 1;
  return n;
}

function checkShape(request: FastifyRequest) {
  if (fieldCount(request.query) > MAX_QUERY_PARAMS)
    throw new PayloadTooLargeError(`The query string has more than ${MAX_QUERY_PARAMS} parameters.`);
  const body = request.body;
  if (body === null || typeof body !== 'object') return;
  const form = /^application\/x-www-form-urlencoded/i.test(String(request.headers['content-type'] ?? ''));
  if (form && fieldCount(body) > MAX_FORM_FIELDS)
    throw new PayloadTooLargeError(`The form has more than ${MAX_FORM_FIELDS} fields.`);
  const problem = structureProblem(body);
  if (problem) throw new PayloadTooLargeError(`The request body is too complex: ${problem}.`);
}

export function registerInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    checkShape(request);
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
