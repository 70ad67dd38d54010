// A project's OpenPGP key: the public key file anyone may fetch (/p/{slug}/pgp-key.asc), and the
// maintainers' settings page with its generate, import and remove forms. The service decides who
// may do what; these routes parse the forms and show the outcome.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../../domain/errors.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { PgpKeyPage } from './pgp-key.page.tsx';
import { sendPublicText } from '../public/public-responses.ts';

type SlugReq = FastifyRequest<{ Params: { slug: string }; Querystring: Record<string, string | undefined> }>;

export async function pgpKeyPages(app: FastifyInstance) {
  const { services } = app.parley;
  const keys = services.projectKeys;

  app.get('/p/:slug/pgp-key.asc', async (request: SlugReq, reply) => {
    const info = await keys.keyInfo(request.params.slug);
    if (!info) throw new NotFoundError('This project has no OpenPGP key.');
    return sendPublicText(reply, 'application/pgp-keys', info.publicKey);
  });

  const show = async (
    request: SlugReq,
    reply: FastifyReply,
    extra: { done?: string; message?: string; errors?: FieldError[]; status?: number } = {},
  ) => {
    const s = await keys.settings(request.actor, request.params.slug);
    return sendPage(
      reply,
      <PgpKeyPage
        ctx={pageContext(request, reply)}
        project={s.project}
        keyInfo={s.key}
        done={extra.done}
        message={extra.message}
        errors={extra.errors}
      />,
      extra.status ?? 200,
    );
  };

  const settingsUrl = (slug: string, done: string) =>
    `/p/${encodeURIComponent(slug)}/settings/pgp?done=${done}`;

  /** Runs one change; a problem the maintainer can fix re-renders the page with it. */
  const change = async (request: SlugReq, reply: FastifyReply, done: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (e) {
      if (e instanceof ValidationError)
        return show(request, reply, { errors: e.errors, message: e.message, status: 422 });
      if (e instanceof ConflictError) return show(request, reply, { message: e.message, status: 409 });
      throw e;
    }
    return reply.redirect(settingsUrl(request.params.slug, done), 303);
  };

  app.get('/p/:slug/settings/pgp', { preHandler: requireSignIn }, async (request: SlugReq, reply) =>
    show(request, reply, { done: request.query.done }),
  );

  app.post(
    '/p/:slug/settings/pgp/generate',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: SlugReq, reply) => {
      const v = formValues(request.body);
      return change(request, reply, 'generated', () =>
        keys.generate(request.actor, request.params.slug, { replace: v.replace === '1' }),
      );
    },
  );

  app.post(
    '/p/:slug/settings/pgp/import',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: SlugReq, reply) => {
      const v = formValues(request.body);
      return change(request, reply, 'imported', () =>
        keys.import(request.actor, request.params.slug, v.privateKey ?? '', v.passphrase, {
          replace: v.replace === '1',
        }),
      );
    },
  );

  app.post(
    '/p/:slug/settings/pgp/remove',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: SlugReq, reply) => {
      const v = formValues(request.body);
      if (v.confirm !== '1') {
        // Check access first, so that only a maintainer learns about the confirmation box.
        await keys.settings(request.actor, request.params.slug);
        return show(request, reply, {
          errors: [{ field: 'confirm', message: 'Tick “Yes, remove the key” to remove it.' }],
          status: 422,
        });
      }
      return change(request, reply, 'removed', () => keys.remove(request.actor, request.params.slug));
    },
  );
}
