// Team pages: the inbox and the case page with its actions. Each action posts a small form,
// calls one service method and sends the browser back to the case (POST → 303 → GET).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../../domain/errors.ts';
import { sendPage, pageContext } from '../render.ts';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { InboxPage, INBOX_PAGE_SIZE, type InboxFilter } from './inbox.page.tsx';
import { casePageHandlers } from './case-page-handlers.tsx';

type KeyReq = FastifyRequest<{ Params: { key: string } }>;
type InboxReq = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

export async function teamPages(app: FastifyInstance) {
  const { services } = app.parley;

  app.get('/inbox', { preHandler: requireSignIn }, async (request: InboxReq, reply) => {
    const q = request.query;
    const page = Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const filter: InboxFilter = {
      project: q.project ?? '',
      state: q.state ?? 'open',
      order: q.order === 'oldest' || q.order === 'newest' ? q.order : 'deadline',
      page,
    };
    const projects = await services.projects.myProjects(request.actor);
    let result: Awaited<ReturnType<typeof services.cases.list>>;
    try {
      result = await services.cases.list(request.actor, {
        project: filter.project || undefined,
        state: filter.state || undefined,
        order: filter.order,
        limit: INBOX_PAGE_SIZE,
        offset: (page - 1) * INBOX_PAGE_SIZE,
      });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      // A hand-edited URL with an unknown state shows the open cases instead of an error page.
      filter.state = 'open';
      result = await services.cases.list(request.actor, {
        project: filter.project || undefined,
        state: 'open',
        order: filter.order,
        limit: INBOX_PAGE_SIZE,
        offset: 0,
      });
    }
    const user = request.actor.kind === 'user' ? request.actor.user : null;
    return sendPage(
      reply,
      <InboxPage
        ctx={pageContext(request, reply)}
        filter={filter}
        projects={projects}
        items={result.items}
        total={result.total}
        totalIsLowerBound={'totalIsLowerBound' in result && result.totalIsLowerBound}
        isAdmin={!!user?.isAdmin}
        shared={await services.collaborators.sharedWith(request.actor)}
        spamReporters={await services.triage.spamMarkers(
          request.actor,
          result.items.map((i) => i.id),
        )}
      />,
    );
  });

  const { showCase, action } = casePageHandlers(services);

  app.get('/cases/:key', { preHandler: requireSignIn }, async (request: KeyReq, reply) =>
    showCase(request, reply),
  );

  const guarded = { preHandler: [requireSignIn, csrfGuard] };

  app.post<{ Params: { key: string } }>(
    '/cases/:key/transition',
    guarded,
    action((request, v) =>
      services.cases.transition(
        request.actor,
        { key: request.params.key },
        {
          to: v.to,
          resolution: v.resolution || undefined,
          severity: v.severity || undefined,
          duplicateOf: v.resolution === 'duplicate' ? v.duplicateOf : undefined,
        },
      ),
    ),
  );

  app.post<{ Params: { key: string } }>(
    '/cases/:key/messages',
    guarded,
    action((request, v) =>
      services.cases.addMessage(
        request.actor,
        { key: request.params.key },
        { body: v.body, internal: v.internal === 'true', audience: v.audience, partyId: v.partyId },
        'web',
      ),
    ),
  );

  app.post<{ Params: { key: string } }>(
    '/cases/:key/update',
    guarded,
    action(async (request, v) => {
      const body = request.body as Record<string, unknown>;
      // The checkbox sends "true" after the hidden "false" when ticked; the last value wins.
      const needs = Array.isArray(body.needsInfo) ? body.needsInfo.at(-1) : body.needsInfo;
      // The page has two forms posting here (details; severity and CVSS): pass on what was sent.
      const raw: Record<string, unknown> = {};
      for (const k of UPDATE_FIELDS) if (k in body) raw[k] = v[k] ?? '';
      if ('needsInfo' in body) raw.needsInfo = needs === 'true';
      await services.cases.update(request.actor, { key: request.params.key }, raw);
    }, 'severity-form'),
  );

  app.post<{ Params: { key: string } }>(
    '/cases/:key/checklist',
    guarded,
    action(
      (request, v) =>
        services.checklists.tick(
          request.actor,
          { key: request.params.key },
          { checklist: v.checklist, item: v.item, checked: v.checked },
        ),
      'checklists',
    ),
  );
}

const UPDATE_FIELDS = ['title', 'assigneeId', 'severity', 'severityReason', 'cvss3Vector', 'cvss4Vector'];
