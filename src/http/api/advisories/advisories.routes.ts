// /api/v1/advisories: the team drafts, edits, publishes, schedules and withdraws advisories; anyone
// may read a public one. A draft or scheduled advisory answers 404 to everyone off its team.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../../domain/errors.ts';
import { ADVISORY_STATES } from '../../../domain/advisory/advisory.types.ts';
import { EXPORT_FORMATS } from '../../../services/advisories/advisory-export.service.ts';
import type { Actor } from '../../../services/actor.ts';
import { problemResponses } from '../schemas.ts';

const Any = (description: string) => Type.Object({}, { additionalProperties: true, description });
const security = [{ bearer: [] }];
const Ref = Type.Object({
  ref: Type.String({ maxLength: 128, description: 'uid, or the public id once published' }),
});

export async function advisoryRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;

  r.get(
    '/api/v1/advisories',
    {
      schema: {
        tags: ['advisories'],
        summary: "The advisories of the caller's projects, every state, most recently changed first",
        security,
        querystring: Type.Object({
          project: Type.Optional(Type.String({ maxLength: 100 })),
          state: Type.Optional(Type.Enum([...ADVISORY_STATES])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Any('summary')), total: Type.Integer() }),
          ...problemResponses,
        },
      },
    },
    async (request) => services.advisories.list(request.actor, request.query),
  );

  r.post(
    '/api/v1/advisories',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Draft an advisory: from cases (prefilled) or from given content',
        security,
        body: Type.Object({
          project: Type.String({ maxLength: 100 }),
          cases: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
          content: Type.Optional(
            Any(
              'AdvisoryContent: title, summary, details, severity, cvss3Vector, cvss4Vector, cwes, cveIds, aliases, affected, workarounds, upgrade, references, credits',
            ),
          ),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 201: Any('the draft'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { project, ...input } = request.body;
      const view = await services.advisories.create(request.actor, project, input);
      return reply.status(201).header('location', `/api/v1/advisories/${view.uid}`).send(view);
    },
  );

  r.get(
    '/api/v1/advisories/:ref',
    {
      schema: {
        tags: ['advisories'],
        summary: "An advisory: the team's full view, or the public view of a published one",
        params: Ref,
        response: { 200: Any('advisory'), ...problemResponses },
      },
    },
    async (request) => {
      if (request.actor.kind === 'user') {
        try {
          return await services.advisories.get(request.actor, request.params.ref);
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e;
        }
      }
      return services.publicAdvisories.get(request.params.ref);
    },
  );

  r.put(
    '/api/v1/advisories/:ref',
    {
      schema: {
        tags: ['advisories'],
        summary:
          "Save a new revision (409 if baseRevision is stale); moves a published advisory's modified time",
        security,
        params: Ref,
        body: Type.Object({
          content: Any('AdvisoryContent'),
          baseRevision: Type.Integer({ minimum: 1 }),
          note: Type.Optional(Type.String({ maxLength: 500 })),
          cases: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
        }),
        response: { 200: Any('advisory'), ...problemResponses },
      },
    },
    async (request) => services.advisories.update(request.actor, request.params.ref, request.body),
  );

  const action = (
    path: string,
    summary: string,
    run: (ref: string, body: Record<string, unknown>, actor: Actor) => Promise<unknown>,
    body?: ReturnType<typeof Type.Object>,
  ) =>
    r.post(
      `/api/v1/advisories/:ref/${path}`,
      {
        schema: {
          tags: ['advisories'],
          summary,
          security,
          params: Ref,
          ...(body ? { body } : {}),
          response: { 200: Any('advisory'), ...problemResponses },
        },
      },
      async (request) =>
        run(request.params.ref, (request.body ?? {}) as Record<string, unknown>, request.actor),
    );

  action('publish', 'Publish now (maintainers)', (ref, _b, actor) => services.publishing.publish(actor, ref));
  action(
    'schedule',
    'Schedule publication at a local date-time in a time zone: the embargo (maintainers)',
    (ref, b, actor) => services.publishing.schedule(actor, ref, { at: b.at, zone: b.zone }),
    Type.Object({
      at: Type.String({ maxLength: 40, description: '2026-12-01T09:00' }),
      zone: Type.Optional(Type.String({ maxLength: 64 })),
    }),
  );
  action('unschedule', 'Lift the schedule; back to draft (maintainers)', (ref, _b, actor) =>
    services.publishing.unschedule(actor, ref),
  );
  action(
    'withdraw',
    'Withdraw a published advisory; it stays public, marked withdrawn (maintainers)',
    (ref, b, actor) => services.publishing.withdraw(actor, ref, { reason: b.reason }),
    Type.Object({ reason: Type.String({ maxLength: 2000 }) }),
  );

  r.get(
    '/api/v1/advisories/:ref/revisions',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Every saved revision, newest first',
        security,
        params: Ref,
        response: { 200: Type.Object({ items: Type.Array(Any('revision')) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await services.advisories.revisions(request.actor, request.params.ref) }),
  );

  r.get(
    '/api/v1/advisories/:ref/export/:format',
    {
      schema: {
        tags: ['advisories'],
        summary: 'OSV, CSAF 2.0 or CVE JSON 5 document (team; a draft gets a preview with a placeholder id)',
        security,
        params: Type.Object({ ref: Type.String({ maxLength: 128 }), format: Type.Enum([...EXPORT_FORMATS]) }),
        response: { 200: Any('document'), ...problemResponses },
      },
    },
    async (request) =>
      services.advisoryExport.teamDocument(request.actor, request.params.ref, request.params.format),
  );

  r.post(
    '/api/v1/projects/:slug/advisories/import',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Import OSV records (maintainers); idempotent by id and modified',
        security,
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ records: Type.Array(Any('OSV record'), { maxItems: 1000 }) }),
        response: { 200: Any('read, created, updated, unchanged, invalid'), ...problemResponses },
      },
    },
    async (request) =>
      services.advisoryImport.importOsv(
        request.actor,
        request.params.slug,
        request.body.records.map((raw, i) => ({ path: `records[${i}]`, raw })),
      ),
  );
}
