// The team's advisory pages: list, new draft (blank or from a case), edit, publish, schedule,
// unschedule, withdraw and document previews. Services decide access; refusals the user can fix
// re-render the page with the reason and keep what was typed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ValidationError, type FieldError } from '../../../domain/errors.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../../services/advisories/advisory-export.service.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues, type Values } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { AdvisoryListPage } from './advisory-list.page.tsx';
import { AdvisoryEditorPage } from './advisory-editor.page.tsx';
import { formErrors, formFromContent, rawContentFromForm } from './advisory-form.ts';

type UidReq = FastifyRequest<{ Params: { uid: string }; Querystring: Record<string, string | undefined> }>;
type ListReq = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;
type PageError = { message: string; errors?: FieldError[] | undefined };

const STATES = ['draft', 'scheduled', 'published', 'withdrawn'] as const;

function refusal(e: unknown): { error: PageError; status: number } | undefined {
  if (e instanceof ValidationError)
    return { error: { message: e.message, errors: formErrors(e.errors) }, status: 422 };
  if (e instanceof ConflictError) return { error: { message: e.message }, status: 409 };
  return undefined;
}

export async function advisoryPages(app: FastifyInstance) {
  const { services } = app.parley;
  const guarded = { preHandler: [requireSignIn, csrfGuard] };

  const showList = async (
    request: FastifyRequest,
    reply: FastifyReply,
    q: Values,
    extra: { values?: Values; error?: PageError; status?: number } = {},
  ) => {
    const state = (STATES as readonly string[]).includes(q.state ?? '')
      ? (q.state as (typeof STATES)[number])
      : undefined;
    const projects = await services.projects.myProjects(request.actor);
    const project = projects.some((p) => p.slug === q.project) ? q.project : undefined;
    const result = await services.advisories.list(request.actor, { project, state, limit: 200 });
    return sendPage(
      reply,
      <AdvisoryListPage
        ctx={pageContext(request, reply)}
        items={result.items}
        total={result.total}
        projects={projects}
        filter={{ project, state }}
        values={extra.values}
        error={extra.error}
      />,
      extra.status ?? 200,
    );
  };

  app.get('/team/advisories', { preHandler: requireSignIn }, async (request: ListReq, reply) =>
    showList(request, reply, request.query),
  );

  app.post('/team/advisories', guarded, async (request, reply) => {
    const v = formValues(request.body);
    try {
      const view = await services.advisories.create(request.actor, v.project ?? '', {
        ...(v.case ? { cases: [v.case.trim().toUpperCase()] } : { content: { title: v.title ?? '' } }),
      });
      return reply.redirect(`/team/advisories/${view.uid}`, 303);
    } catch (e) {
      const r = refusal(e);
      if (!r) throw e;
      return showList(request, reply, {}, { values: v, ...r });
    }
  });

  const showEditor = async (
    request: UidReq,
    reply: FastifyReply,
    extra: { values?: Values; error?: PageError; status?: number } = {},
  ) => {
    const view = await services.advisories.get(request.actor, request.params.uid);
    const revisions = await services.advisories.revisions(request.actor, view.uid);
    return sendPage(
      reply,
      <AdvisoryEditorPage
        ctx={pageContext(request, reply)}
        view={view}
        values={extra.values ?? formFromContent(view.content)}
        revisions={revisions}
        error={extra.error}
        saved={request.query.saved !== undefined}
        zone="UTC"
      />,
      extra.status ?? 200,
    );
  };

  app.get('/team/advisories/:uid', { preHandler: requireSignIn }, async (request: UidReq, reply) =>
    showEditor(request, reply),
  );

  app.post('/team/advisories/:uid', guarded, async (request: UidReq, reply) => {
    const v = formValues(request.body);
    try {
      const current = await services.advisories.get(request.actor, request.params.uid);
      const content = rawContentFromForm(v, current.content);
      await services.advisories.update(request.actor, current.uid, {
        content,
        baseRevision: Number(v.baseRevision),
        note: v.note,
      });
      return reply.redirect(`/team/advisories/${current.uid}?saved=1`, 303);
    } catch (e) {
      const r = refusal(e);
      if (!r) throw e;
      return showEditor(request, reply, { values: v, ...r });
    }
  });

  const step = (path: string, run: (request: UidReq, v: Values) => Promise<unknown>) =>
    app.post(`/team/advisories/:uid/${path}`, guarded, async (request: UidReq, reply) => {
      const v = formValues(request.body);
      try {
        await run(request, v);
      } catch (e) {
        const r = refusal(e);
        if (!r) throw e;
        return showEditor(request, reply, r);
      }
      return reply.redirect(`/team/advisories/${request.params.uid}`, 303);
    });
  step('publish', (request) => services.publishing.publish(request.actor, request.params.uid));
  step('schedule', (request, v) =>
    services.publishing.schedule(request.actor, request.params.uid, { at: v.at, zone: v.zone }),
  );
  step('unschedule', (request) => services.publishing.unschedule(request.actor, request.params.uid));
  step('withdraw', (request, v) =>
    services.publishing.withdraw(request.actor, request.params.uid, { reason: v.reason }),
  );

  app.get(
    '/team/advisories/:uid/export/:format',
    { preHandler: requireSignIn },
    async (request: FastifyRequest<{ Params: { uid: string; format: string } }>, reply) => {
      const format = request.params.format as ExportFormat;
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return reply.callNotFound();
      const doc = await services.advisoryExport.teamDocument(request.actor, request.params.uid, format);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(doc, null, 2));
    },
  );
}
