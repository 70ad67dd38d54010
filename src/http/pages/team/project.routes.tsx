// Project administration pages: create (instance admins), team settings (maintainers).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, ConflictError } from '../../../domain/errors.ts';
import { publicLink } from '../../../config.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues, type Values } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { NewProjectPage, SettingsPage } from './project.pages.tsx';
import { requireAdmin } from '../../../services/access.ts';

type SlugReq = FastifyRequest<{ Params: { slug: string } }>;

export async function projectPages(app: FastifyInstance) {
  const { services, config } = app.parley;

  app.get('/projects/new', { preHandler: requireSignIn }, async (request, reply) => {
    requireAdmin(request.actor);
    return sendPage(reply, <NewProjectPage ctx={pageContext(request, reply)} />);
  });

  app.post('/projects/new', { preHandler: [requireSignIn, csrfGuard] }, async (request, reply) => {
    const v = formValues(request.body);
    try {
      const p = await services.projects.create(request.actor, v);
      return reply.redirect(`/p/${p.slug}/settings`, 303);
    } catch (e) {
      if (e instanceof ValidationError)
        return sendPage(
          reply,
          <NewProjectPage ctx={pageContext(request, reply)} values={v} errors={e.errors} />,
          422,
        );
      throw e;
    }
  });

  const settings = async (
    request: SlugReq,
    reply: FastifyReply,
    extra: {
      status?: number;
      values?: Values;
      errors?: ValidationError['errors'];
      message?: string;
      activationLink?: string | null;
    } = {},
  ) => {
    const members = await services.projects.listMembers(request.actor, request.params.slug);
    const project = await services.projects.getPublic(request.params.slug);
    const security = await services.projectSecurity.get(request.actor, request.params.slug);
    return sendPage(
      reply,
      <SettingsPage
        ctx={pageContext(request, reply)}
        project={project}
        members={members}
        security={security}
        {...extra}
      />,
      extra.status ?? 200,
    );
  };

  app.get('/p/:slug/settings', { preHandler: requireSignIn }, async (request: SlugReq, reply) =>
    settings(request, reply),
  );

  app.post(
    '/p/:slug/settings/members',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: SlugReq, reply) => {
      const v = formValues(request.body);
      try {
        const r = await services.projects.addMember(request.actor, request.params.slug, v);
        return settings(request, reply, {
          activationLink: r.activationPath ? publicLink(config, r.activationPath) : null,
        });
      } catch (e) {
        if (e instanceof ValidationError)
          return settings(request, reply, { status: 422, values: v, errors: e.errors });
        if (e instanceof ConflictError)
          return settings(request, reply, { status: 409, values: v, message: e.message });
        throw e;
      }
    },
  );

  // The project's two-factor rule: a checkbox, so the form works without JavaScript.
  app.post(
    '/p/:slug/settings/security',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: SlugReq, reply) => {
      const v = formValues(request.body);
      try {
        await services.projectSecurity.setRequire2fa(
          request.actor,
          request.params.slug,
          v.require2fa === 'on',
          {
            ip: request.ip,
          },
        );
      } catch (e) {
        if (e instanceof ConflictError) return settings(request, reply, { status: 409, message: e.message });
        throw e;
      }
      return reply.redirect(`/p/${request.params.slug}/settings`, 303);
    },
  );

  app.post(
    '/p/:slug/settings/members/:userId/remove',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: FastifyRequest<{ Params: { slug: string; userId: string } }>, reply) => {
      try {
        await services.projects.removeMember(request.actor, request.params.slug, request.params.userId);
      } catch (e) {
        if (e instanceof ConflictError) return settings(request, reply, { status: 409, message: e.message });
        throw e;
      }
      return reply.redirect(`/p/${request.params.slug}/settings`, 303);
    },
  );
}
