// /api/v1 report routes: public intake, then reading, listing, messaging, transitions and updates.
// Each handler parses, calls one service method and presents the answer.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { publicLink } from '../../../config.ts';
import {
  IdParam,
  MessageCreate,
  ReportCreate,
  ReportCreated,
  ReportListQuery,
  ReportPatch,
  SlugParam,
  Transition,
  ChecklistTick,
  problemResponses,
} from '../schemas.ts';
import { caseRef } from '../case-ref.ts';
import { TIMELINE_LATEST } from '../../../services/case-view.ts';
import { sharedIntakeLimit, sharedReplyLimit } from '../../plugins/rate-limits.ts';

const CaseView = Type.Object(
  {},
  { additionalProperties: true, description: 'A case as the caller may see it (team or reporter view)' },
);
const security = [{ bearer: [] }];

export async function reportRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services, config } = app.parley;

  r.post(
    '/api/v1/projects/:slug/reports',
    {
      // One per-IP counter with the report form (refused before the body is read or credentials
      // looked up: plugins/rate-limits.ts).
      config: { earlyLimit: sharedIntakeLimit(app, config) },
      schema: {
        tags: ['reports'],
        summary: 'Submit a vulnerability report (no account needed)',
        params: SlugParam,
        body: ReportCreate,
        response: { 201: ReportCreated, ...problemResponses },
      },
    },
    async (request, reply) => {
      const created = await services.cases.submitReport(request.params.slug, request.body, 'api');
      return reply
        .status(201)
        .header('location', `/api/v1/reports/${created.id}`)
        .send({
          id: created.id,
          key: created.key,
          caseUrl: publicLink(config, created.casePath),
          accessToken: created.accessToken,
        });
    },
  );

  r.get(
    '/api/v1/reports',
    {
      schema: {
        tags: ['reports'],
        summary: 'List the cases of your projects',
        security,
        querystring: ReportListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({}, { additionalProperties: true })),
            total: Type.Integer({ description: 'Matching cases, counted up to 10,000' }),
            totalIsLowerBound: Type.Boolean({ description: 'More than `total` cases match' }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => services.cases.list(request.actor, request.query),
  );

  r.get(
    '/api/v1/reports/:id',
    {
      schema: {
        tags: ['reports'],
        summary: 'Read one case',
        description: `The timeline holds the latest ${TIMELINE_LATEST} entries (with \`timelineTotal\` when there are more); \`?timeline=all\` gives all of them.`,
        security,
        params: IdParam,
        querystring: Type.Object(
          { timeline: Type.Optional(Type.Union([Type.Literal('latest'), Type.Literal('all')])) },
          { additionalProperties: false },
        ),
        response: { 200: CaseView, ...problemResponses },
      },
    },
    async (request) =>
      services.cases.get(request.actor, caseRef(request.params.id), {
        ip: request.ip,
        timelineLimit: request.query.timeline === 'all' ? undefined : TIMELINE_LATEST,
      }),
  );

  r.post(
    '/api/v1/reports/:id/messages',
    {
      preHandler: sharedReplyLimit(app, config),
      schema: {
        tags: ['reports'],
        summary: 'Reply to the reporter, write an internal note, or (as reporter) reply to the team',
        security,
        params: IdParam,
        body: MessageCreate,
        response: { 201: Type.Object({ id: Type.String(), visibility: Type.String() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const m = await services.cases.addMessage(
        request.actor,
        caseRef(request.params.id),
        request.body,
        'api',
      );
      return reply.status(201).send(m);
    },
  );

  r.post(
    '/api/v1/reports/:id/transition',
    {
      schema: {
        tags: ['reports'],
        summary: 'Move a case to another state (team only)',
        security,
        params: IdParam,
        body: Transition,
        response: { 200: CaseView, ...problemResponses },
      },
    },
    async (request) => services.cases.transition(request.actor, caseRef(request.params.id), request.body),
  );

  r.patch(
    '/api/v1/reports/:id',
    {
      preHandler: sharedReplyLimit(app, config),
      schema: {
        tags: ['reports'],
        summary:
          'Change fields: team (title, severity, severityReason, cvss3Vector, cvss4Vector, assigneeId, needsInfo) or reporter (contact, credit)',
        security,
        params: IdParam,
        body: ReportPatch,
        response: { 200: CaseView, ...problemResponses },
      },
    },
    async (request) => services.cases.update(request.actor, caseRef(request.params.id), request.body),
  );

  r.post(
    '/api/v1/reports/:id/checklist',
    {
      schema: {
        tags: ['reports'],
        summary: 'Tick or untick a response-checklist item of the case’s policy (team only)',
        security,
        params: IdParam,
        body: ChecklistTick,
        response: {
          200: Type.Object({ checklists: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...problemResponses,
        },
      },
    },
    async (request) => ({
      checklists: await services.checklists.tick(request.actor, caseRef(request.params.id), request.body),
    }),
  );
}
