// The policy editor's routes: show (a version's source), check with diff, save. Maintainers only;
// the service decides, and everyone else gets the same "no such project" as for other settings.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ValidationError } from '../../../domain/errors.ts';
import type { PolicyPreview } from '../../../services/policy.service.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { PolicyEditorPage } from './policy-editor.page.tsx';

type SlugReq = FastifyRequest<{ Params: { slug: string }; Querystring: Record<string, string | undefined> }>;

export async function policyPages(app: FastifyInstance) {
  const { services } = app.parley;

  const show = async (
    request: SlugReq,
    reply: FastifyReply,
    extra: {
      source?: string;
      preview?: PolicyPreview;
      note?: string;
      saved?: number;
      message?: string;
      status?: number;
    },
  ) => {
    const slug = request.params.slug;
    const versions = await services.policies.history(request.actor, slug);
    const current = await services.policies.current(slug);
    return sendPage(
      reply,
      <PolicyEditorPage
        ctx={pageContext(request, reply)}
        project={{ slug, name: current.project.name }}
        source={extra.source ?? current.source}
        baseVersion={current.version}
        versions={versions}
        preview={extra.preview}
        note={extra.note}
        saved={extra.saved}
        message={extra.message}
      />,
      extra.status ?? 200,
    );
  };

  app.get('/p/:slug/settings/policy', { preHandler: requireSignIn }, async (request: SlugReq, reply) => {
    const q = request.query;
    const saved = q.saved !== undefined ? Number.parseInt(q.saved, 10) : undefined;
    let source: string | undefined;
    if (q.version !== undefined) {
      const v = await services.policies.version(request.actor, request.params.slug, Number(q.version));
      source = v.source;
    }
    return show(request, reply, { source, saved: Number.isInteger(saved) ? saved : undefined });
  });

  app.post(
    '/p/:slug/settings/policy',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: SlugReq, reply) => {
      const v = formValues(request.body);
      const slug = request.params.slug;
      const source = v.source ?? '';
      if (v.intent !== 'save') {
        const preview = await services.policies.preview(request.actor, slug, source);
        return show(request, reply, { source, preview, note: v.note, status: preview.valid ? 200 : 422 });
      }
      try {
        const r = await services.policies.save(request.actor, slug, {
          source,
          note: v.note,
          baseVersion: v.baseVersion,
        });
        return reply.redirect(`/p/${encodeURIComponent(slug)}/settings/policy?saved=${r.version}`, 303);
      } catch (e) {
        if (e instanceof ValidationError && e.errors.some((x) => x.line !== undefined)) {
          const preview = await services.policies.preview(request.actor, slug, source);
          return show(request, reply, { source, preview, note: v.note, message: e.message, status: 422 });
        }
        if (e instanceof ValidationError)
          return show(request, reply, { source, note: v.note, message: e.errors[0]?.message, status: 422 });
        if (e instanceof ConflictError) {
          // Show what the newer version would lose, so the maintainer can merge before saving again.
          const preview = await services.policies.preview(request.actor, slug, source);
          return show(request, reply, { source, preview, note: v.note, message: e.message, status: 409 });
        }
        throw e;
      }
    },
  );
}
