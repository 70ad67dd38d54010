// Team routes of the announcement lists: a project's subscribers (maintainers) and an advisory's
// announcement preview (the project's team). The services decide access.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendPage, pageContext } from '../render.ts';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { AnnouncementPreviewPage, SubscribersPage } from './announcements.pages.tsx';

type ListReq = FastifyRequest<{ Params: { slug: string }; Querystring: { page?: string; status?: string } }>;
type RemoveReq = FastifyRequest<{ Params: { slug: string; id: string } }>;
type UidReq = FastifyRequest<{ Params: { uid: string } }>;

export async function announcementPages(app: FastifyInstance) {
  const { services } = app.parley;

  app.get(
    '/p/:slug/settings/announcements',
    { preHandler: requireSignIn },
    async (request: ListReq, reply) => {
      const { slug } = request.params;
      const data = await services.announcements.listSubscribers(request.actor, slug, {
        page: Number(request.query.page ?? 1),
        status: request.query.status,
      });
      const project = await services.projects.getPublic(slug);
      return sendPage(
        reply,
        <SubscribersPage
          ctx={pageContext(request, reply)}
          slug={project.slug}
          projectName={project.name}
          data={data}
        />,
      );
    },
  );

  app.post(
    '/p/:slug/settings/announcements/:id/remove',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: RemoveReq, reply) => {
      await services.announcements.remove(request.actor, request.params.slug, request.params.id);
      return reply.redirect(`/p/${encodeURIComponent(request.params.slug)}/settings/announcements`, 303);
    },
  );

  app.get(
    '/team/advisories/:uid/announcement',
    { preHandler: requireSignIn },
    async (request: UidReq, reply) => {
      const preview = await services.announcements.preview(request.actor, request.params.uid);
      return sendPage(reply, <AnnouncementPreviewPage ctx={pageContext(request, reply)} preview={preview} />);
    },
  );
}
