// Metrics pages for signed-in team members, with the same numbers as JSON and CSV beside them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metricsToCsv } from '../../../domain/metrics.ts';
import type { MetricsReport } from '../../../services/metrics.service.ts';
import { sendPage, pageContext } from '../render.ts';
import { requireSignIn } from './guard.ts';
import { MetricsPage } from './metrics.page.tsx';

type SlugReq = FastifyRequest<{ Params: { slug: string } }>;

export async function metricsPages(app: FastifyInstance) {
  const { services } = app.parley;

  const page = (request: FastifyRequest, reply: FastifyReply, report: MetricsReport, base: string) =>
    sendPage(reply, <MetricsPage ctx={pageContext(request, reply)} report={report} base={base} />);
  const csv = (reply: FastifyReply, report: MetricsReport, name: string) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}-metrics.csv"`)
      .send(metricsToCsv(report.metrics));

  const signedIn = { preHandler: requireSignIn };
  app.get('/p/:slug/metrics', signedIn, async (request: SlugReq, reply) =>
    page(
      request,
      reply,
      await services.metrics.forProject(request.actor, request.params.slug),
      `/p/${request.params.slug}/metrics`,
    ),
  );
  app.get<{ Params: { slug: string } }>('/p/:slug/metrics.json', signedIn, async (request) =>
    services.metrics.forProject(request.actor, request.params.slug),
  );
  app.get('/p/:slug/metrics.csv', signedIn, async (request: SlugReq, reply) =>
    csv(reply, await services.metrics.forProject(request.actor, request.params.slug), request.params.slug),
  );
  app.get('/metrics', signedIn, async (request, reply) =>
    page(request, reply, await services.metrics.forInstance(request.actor), '/metrics'),
  );
  app.get('/metrics.json', signedIn, async (request) => services.metrics.forInstance(request.actor));
  app.get('/metrics.csv', signedIn, async (request, reply) =>
    csv(reply, await services.metrics.forInstance(request.actor), 'instance'),
  );
}
