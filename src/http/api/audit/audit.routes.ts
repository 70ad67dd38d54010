// GET /api/v1/audit: the audit log for instance admins, with the filters of /admin/audit and paging
// by entry id. A bearer token of a non-admin gets 403. docs/audit-log.md describes the entries.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { Problem, problemResponses } from '../schemas.ts';
import { AUDIT_PAGE_MAX } from '../../../services/audit/audit-filters.ts';

const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Cursor = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

const Query = Type.Object(
  {
    action: Type.Optional(
      Type.String({ maxLength: 80, description: 'An action (case.state-changed) or a group (case.*)' }),
    ),
    actor: Type.Optional(Type.String({ maxLength: 254, description: 'E-mail of who acted' })),
    project: Type.Optional(Type.String({ maxLength: 64, description: 'Project slug' })),
    case: Type.Optional(Type.String({ maxLength: 40, description: 'Case key, e.g. CONURE-12' })),
    from: Type.Optional(
      Type.String({ maxLength: 40, description: 'Date (UTC day, inclusive) or ISO instant (inclusive)' }),
    ),
    to: Type.Optional(
      Type.String({ maxLength: 40, description: 'Date (UTC day, inclusive) or ISO instant (exclusive)' }),
    ),
    before: Type.Optional(Cursor('Entries older than this id (the `older` cursor)')),
    after: Type.Optional(Cursor('Entries newer than this id (the `newer` cursor)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: AUDIT_PAGE_MAX, description: 'Default 50' })),
  },
  { additionalProperties: false },
);

const Entry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  action: Type.String(),
  actor: Type.Object({
    kind: Type.String({ description: 'user, reporter, system or anonymous' }),
    userId: nullable(Type.String()),
    label: nullable(Type.String({ description: 'E-mail as it was when the entry was written' })),
  }),
  ip: nullable(Type.String()),
  project: nullable(Type.Object({ id: Type.String(), slug: nullable(Type.String()) })),
  case: nullable(Type.Object({ id: Type.String(), key: nullable(Type.String()) })),
  target: nullable(Type.String()),
  data: Type.Unknown({ description: 'Details recorded with the action' }),
  hash: Type.String({ description: 'The entry’s chain hash (sha256, hex)' }),
});

export async function auditRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;
  r.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries, newest first (instance admins)',
        security: [{ bearer: [] }],
        querystring: Query,
        response: {
          200: Type.Object({
            items: Type.Array(Entry),
            older: nullable(Cursor('Pass as `before` for the next older page')),
            newer: nullable(Cursor('Pass as `after` for the next newer page')),
          }),
          403: {
            description: 'Not an instance admin',
            content: { 'application/problem+json': { schema: Problem } },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { items, older, newer } = await services.audit.list(request.actor, request.query);
      return { items, older, newer };
    },
  );
}
