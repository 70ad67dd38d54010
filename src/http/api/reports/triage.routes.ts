// /api/v1 triage routes against low-quality reports: duplicate suggestions for a case and closing
// many cases at once (as spam, typically). Each parses, calls one service method and presents the
// answer; access is checked per case in services/triage/triage.service.ts.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParam, problemResponses } from '../schemas.ts';
import { caseRef } from '../case-ref.ts';
import { BULK_CLOSE_MAX, BULK_RESOLUTIONS } from '../../../services/triage/triage.service.ts';

const security = [{ bearer: [] }];

const Similar = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      key: Type.String(),
      title: Type.String(),
      state: Type.String(),
      resolution: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String(),
      score: Type.Number({ description: 'Similarity of title and description, 0–1 (TF-IDF cosine)' }),
      duplicateOf: Type.Union([Type.String(), Type.Null()], {
        description: 'When this case is itself a duplicate: the key of its original',
      }),
    }),
  ),
});

const BulkClose = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 64, description: 'Opaque id or case key' }), {
      minItems: 1,
      maxItems: BULK_CLOSE_MAX,
    }),
    resolution: Type.Optional(
      Type.Union(
        BULK_RESOLUTIONS.map((r) => Type.Literal(r)),
        { description: 'Default spam' },
      ),
    ),
  },
  { additionalProperties: false },
);

const BulkResult = Type.Object({
  batch: Type.String(),
  resolution: Type.String(),
  closed: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(
    Type.Object({
      id: Type.String(),
      key: Type.Union([Type.String(), Type.Null()]),
      status: Type.String({
        description: 'closed, or why not: not-found, invalid-transition, conflict, forbidden, invalid',
      }),
      message: Type.Optional(Type.String()),
    }),
  ),
});

export async function triageRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;

  r.get(
    '/api/v1/reports/:id/similar',
    {
      schema: {
        tags: ['reports'],
        summary: 'Possible duplicates: the most similar open or recent cases of the same project (team only)',
        security,
        params: IdParam,
        response: { 200: Similar, ...problemResponses },
      },
    },
    async (request) => ({
      items: await services.triage.similarCases(request.actor, caseRef(request.params.id)),
    }),
  );

  r.post(
    '/api/v1/reports/bulk-close',
    {
      schema: {
        tags: ['reports'],
        summary: `Close up to ${BULK_CLOSE_MAX} cases at once (team; each case checked), as spam by default; results per case`,
        security,
        body: BulkClose,
        response: { 200: BulkResult, ...problemResponses },
      },
    },
    async (request) => services.triage.bulkClose(request.actor, request.body, { ip: request.ip }),
  );
}
