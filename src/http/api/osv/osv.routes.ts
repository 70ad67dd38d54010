// The osv.dev-compatible API: POST /v1/query, POST /v1/querybatch, GET /v1/vulns/{id}. Request and
// answer shapes are osv.dev's, so osv-scanner and other OSV clients can point at Parley; errors are
// problem+json like the rest of the API. Public and rate-limited per client address.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../schemas.ts';
import { queryRateLimit } from '../../plugins/rate-limits.ts';

const Any = (description: string) => Type.Object({}, { additionalProperties: true, description });

export async function osvRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services, config } = app.parley;
  const rateLimit = queryRateLimit(config);

  r.post(
    '/v1/query',
    {
      config: { rateLimit },
      schema: {
        tags: ['osv'],
        summary:
          'Advisories affecting a package version ({package: {name, ecosystem} | {purl}, version}) or a commit',
        body: Any('osv.dev Query'),
        response: { 200: Any('{vulns?: OSV[], next_page_token?}'), ...problemResponses },
      },
    },
    async (request) => services.osv.query(request.body),
  );

  r.post(
    '/v1/querybatch',
    {
      config: { rateLimit },
      schema: {
        tags: ['osv'],
        summary: 'Up to 1,000 queries; answers ids and modified times per query, like osv.dev',
        body: Any('{queries: Query[]}'),
        response: {
          200: Any('{results: [{vulns?: [{id, modified}], next_page_token?}]}'),
          ...problemResponses,
        },
      },
    },
    async (request) => services.osv.queryBatch(request.body),
  );

  r.get(
    '/v1/vulns/:id',
    {
      config: { rateLimit },
      schema: {
        tags: ['osv'],
        summary: 'One published advisory as an OSV record',
        params: Type.Object({ id: Type.String({ maxLength: 130 }) }),
        response: { 200: Any('OSV record'), ...problemResponses },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return services.osv.vuln(request.params.id);
    },
  );
}
