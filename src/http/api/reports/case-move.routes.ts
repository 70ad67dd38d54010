// /api/v1 routes for moving work out of a case: transfer to another project, the public-issue
// Markdown export, and the downgrade to a public issue. Each parses, calls one service method and
// presents the answer; the rules (roles, states, 404s) are in services/case-move.service.ts.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParam, problemResponses } from '../schemas.ts';
import { caseRef } from '../case-ref.ts';
import { MESSAGE_MAX } from '../../../services/case.service.ts';

const security = [{ bearer: [] }];
const CaseView = Type.Object({}, { additionalProperties: true, description: 'The case as the team sees it' });

const TransferBody = Type.Object(
  { project: Type.String({ maxLength: 64, description: 'Slug of the project to move the case to' }) },
  { additionalProperties: false },
);
const DowngradeBody = Type.Object(
  {
    issueUrl: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: 'http(s) address of the public issue, shown to the reporter',
      }),
    ),
    message: Type.Optional(Type.String({ maxLength: MESSAGE_MAX, description: 'A message to the reporter' })),
  },
  { additionalProperties: false },
);
const IssueQuery = Type.Object({
  format: Type.Optional(
    Type.Union([Type.Literal('markdown'), Type.Literal('json')], {
      description: 'markdown (default): the file; json: {key, title, body} for creating an issue by API',
    }),
  ),
});
const IssueJson = Type.Object({ key: Type.String(), title: Type.String(), body: Type.String() });

export async function caseMoveRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;

  r.post(
    '/api/v1/reports/:id/transfer',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Move a case to another project (maintainer of its project or admin, on the target’s team); it gets a new key, the old one keeps resolving',
        security,
        params: IdParam,
        body: TransferBody,
        response: { 200: CaseView, ...problemResponses },
      },
    },
    async (request) => {
      const moved = await services.caseMove.transfer(
        request.actor,
        caseRef(request.params.id),
        request.body,
        { ip: request.ip },
      );
      return services.cases.get(request.actor, { id: moved.id });
    },
  );

  r.get(
    '/api/v1/reports/:id/issue-markdown',
    {
      schema: {
        tags: ['reports'],
        summary:
          'The report as Markdown for a public issue tracker: no reporter address, no internal notes (team only; audited)',
        security,
        params: IdParam,
        querystring: IssueQuery,
        response: {
          200: {
            description: 'The Markdown file, or with format=json its title and body',
            content: {
              'text/markdown': { schema: Type.String() },
              'application/json': { schema: IssueJson },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const md = await services.caseMove.exportIssue(request.actor, caseRef(request.params.id), {
        ip: request.ip,
      });
      if (request.query.format === 'json') return { key: md.key, title: md.title, body: md.body };
      return reply
        .type('text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="${md.filename}"`)
        .header('cache-control', 'no-store')
        .send(md.markdown);
    },
  );

  r.post(
    '/api/v1/reports/:id/downgrade',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Close an open case as not a vulnerability and tell the reporter where it continues in public (team only)',
        security,
        params: IdParam,
        body: DowngradeBody,
        response: { 200: CaseView, ...problemResponses },
      },
    },
    async (request) => {
      const done = await services.caseMove.downgrade(
        request.actor,
        caseRef(request.params.id),
        request.body,
        { ip: request.ip, channel: 'api' },
      );
      return services.cases.get(request.actor, { id: done.id });
    },
  );
}
