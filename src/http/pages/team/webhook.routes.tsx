// Webhook settings pages under /p/{slug}/settings/webhooks (maintainers; the service decides). A
// new or rotated secret is rendered straight into the answer to the POST, since it is shown only
// once; other steps redirect back to the hook's page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ValidationError, type FieldError } from '../../../domain/errors.ts';
import type { WebhookInput, WebhookView } from '../../../services/webhooks/webhook.service.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { DELIVERIES_PER_PAGE, WebhookListPage, WebhookPage, type WebhookForm } from './webhook.pages.tsx';

type SlugReq = FastifyRequest<{ Params: { slug: string }; Querystring: Record<string, string | undefined> }>;
type HookReq = FastifyRequest<{
  Params: { slug: string; id: string };
  Querystring: Record<string, string | undefined>;
}>;
type Refusal = { errors?: FieldError[]; message?: string; status: number };

const EMPTY: WebhookForm = {
  url: '',
  description: '',
  format: 'parley',
  events: ['advisory.published'],
  active: true,
};

/** The form as posted: checkboxes arrive as a repeated field (or not at all when none is ticked). */
function formOf(body: unknown): WebhookForm {
  const v = formValues(body);
  const raw = (body as Record<string, unknown> | undefined)?.events;
  const events = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (e): e is string => typeof e === 'string',
  );
  return {
    url: v.url ?? '',
    description: v.description ?? '',
    format: v.format ?? 'parley',
    events,
    active: v.active !== undefined,
  };
}

const inputOf = (f: WebhookForm): WebhookInput => ({ ...f });

const formFromHook = (h: WebhookView): WebhookForm => ({
  url: h.url,
  description: h.description,
  format: h.format,
  events: h.events,
  active: h.active,
});

function refusal(e: unknown): Refusal | undefined {
  if (e instanceof ValidationError) return { errors: e.errors, status: 422 };
  if (e instanceof ConflictError) return { message: e.message, status: 409 };
  return undefined;
}

const NOTICES: Record<string, string> = {
  saved: 'Saved.',
  queued: 'Queued for delivery. Reload this page to see the result in the log below.',
  deleted: 'The webhook was deleted.',
};

export async function webhookPages(app: FastifyInstance) {
  const { services } = app.parley;
  const guarded = { preHandler: [requireSignIn, csrfGuard] };
  const listPath = (slug: string) => `/p/${slug}/settings/webhooks`;

  const showList = async (
    request: SlugReq,
    reply: FastifyReply,
    extra: { form?: WebhookForm; refused?: Refusal } = {},
  ) => {
    const hooks = await services.webhooks.list(request.actor, request.params.slug);
    const project = await services.projects.getPublic(request.params.slug);
    return sendPage(
      reply,
      <WebhookListPage
        ctx={pageContext(request, reply)}
        project={project}
        hooks={hooks}
        form={extra.form ?? EMPTY}
        errors={extra.refused?.errors}
        message={extra.refused?.message}
        notice={NOTICES[request.query.notice ?? '']}
      />,
      extra.refused?.status ?? 200,
    );
  };

  const showHook = async (
    request: SlugReq,
    reply: FastifyReply,
    id: string,
    extra: { form?: WebhookForm; refused?: Refusal; secret?: string } = {},
  ) => {
    const { slug } = request.params;
    const hook = await services.webhooks.get(request.actor, slug, id);
    const page = Math.max(1, Math.min(Number.parseInt(request.query.page ?? '1', 10) || 1, 100_000));
    const log = await services.webhooks.deliveries(request.actor, slug, id, {
      limit: DELIVERIES_PER_PAGE,
      offset: (page - 1) * DELIVERIES_PER_PAGE,
    });
    const project = await services.projects.getPublic(slug);
    return sendPage(
      reply,
      <WebhookPage
        ctx={pageContext(request, reply)}
        project={project}
        hook={hook}
        form={extra.form ?? formFromHook(hook)}
        deliveries={log.items}
        total={log.total}
        page={page}
        errors={extra.refused?.errors}
        message={extra.refused?.message}
        notice={extra.secret ? undefined : NOTICES[request.query.notice ?? '']}
        secret={extra.secret}
      />,
      extra.refused?.status ?? 200,
    );
  };

  app.get('/p/:slug/settings/webhooks', { preHandler: requireSignIn }, async (request: SlugReq, reply) =>
    showList(request, reply),
  );

  app.post('/p/:slug/settings/webhooks', guarded, async (request: SlugReq, reply) => {
    const form = formOf(request.body);
    try {
      const { webhook, secret } = await services.webhooks.create(
        request.actor,
        request.params.slug,
        inputOf(form),
      );
      return showHook(request, reply, webhook.id, { secret });
    } catch (e) {
      const refused = refusal(e);
      if (!refused) throw e;
      return showList(request, reply, { form, refused });
    }
  });

  app.get('/p/:slug/settings/webhooks/:id', { preHandler: requireSignIn }, async (request: HookReq, reply) =>
    showHook(request, reply, request.params.id),
  );

  app.post('/p/:slug/settings/webhooks/:id', guarded, async (request: HookReq, reply) => {
    const form = formOf(request.body);
    try {
      const { slug, id } = request.params;
      await services.webhooks.update(request.actor, slug, id, inputOf(form));
    } catch (e) {
      const refused = refusal(e);
      if (!refused) throw e;
      return showHook(request, reply, request.params.id, { form, refused });
    }
    return reply.redirect(`${listPath(request.params.slug)}/${request.params.id}?notice=saved`, 303);
  });

  app.post('/p/:slug/settings/webhooks/:id/rotate', guarded, async (request: HookReq, reply) => {
    const { secret } = await services.webhooks.rotateSecret(
      request.actor,
      request.params.slug,
      request.params.id,
    );
    return showHook(request, reply, request.params.id, { secret });
  });

  app.post('/p/:slug/settings/webhooks/:id/delete', guarded, async (request: HookReq, reply) => {
    await services.webhooks.delete(request.actor, request.params.slug, request.params.id);
    return reply.redirect(`${listPath(request.params.slug)}?notice=deleted`, 303);
  });

  app.post('/p/:slug/settings/webhooks/:id/test', guarded, async (request: HookReq, reply) => {
    await services.webhooks.sendTest(request.actor, request.params.slug, request.params.id);
    return reply.redirect(`${listPath(request.params.slug)}/${request.params.id}?notice=queued`, 303);
  });

  app.post(
    '/p/:slug/settings/webhooks/:id/deliveries/:delivery/redeliver',
    guarded,
    async (request: FastifyRequest<{ Params: { slug: string; id: string; delivery: string } }>, reply) => {
      const { slug, id, delivery } = request.params;
      await services.webhooks.redeliver(request.actor, slug, delivery, id);
      return reply.redirect(`${listPath(slug)}/${id}?notice=queued`, 303);
    },
  );
}
