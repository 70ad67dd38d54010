// The public side of advisories: the list and each advisory's page, their OSV / CSAF / CVE documents
// and release-notes snippet, Atom feeds, the hall of fame, and (in csaf-provider.routes.tsx) the CSAF
// provider directory. Drafts and scheduled advisories do not exist here: the services answer them
// with the same NotFound as an id never used, and the app's error handler renders that.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { NotFoundError, ValidationError, type FieldError } from '../../../domain/errors.ts';
import { advisorySettings } from '../../../services/deps.ts';
import { EXPORT_FORMATS } from '../../../services/advisories/advisory-export.service.ts';
import { sendPage, pageContext, type PageContext } from '../render.ts';
import { AdvisoryListPage, type AdvisoryListFilter, type AdvisoryListResult } from './advisory-list.page.tsx';
import { AdvisoryPage } from './advisory.page.tsx';
import { HallOfFamePage } from './hall-of-fame.page.tsx';
import { advisoryFeed } from './advisory-feed.ts';
import { advisoryPath } from './advisory-bits.tsx';
import { csafProviderRoutes } from './csaf-provider.routes.tsx';
import { jsonText, PUBLIC_CACHE, sendJsonText, sendPublicText } from './public-responses.ts';

type IdReq = FastifyRequest<{ Params: { id: string } }>;
type SlugReq = FastifyRequest<{ Params: { slug: string } }>;

/** Public ids are at most 128 characters; anything longer is simply not an advisory. */
const MAX_ID_LENGTH = 128;

function idParam(request: IdReq): string {
  const id = request.params.id;
  // The same message as the service's, so an over-long id's 404 reads like any unknown id's.
  if (id.length > MAX_ID_LENGTH) throw new NotFoundError('No such advisory.');
  return id;
}

/** One value of a query parameter: the first, if it was given several times. */
function queryValue(query: unknown, name: string): string {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  if (typeof v === 'string') return v.trim();
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0].trim();
  return '';
}

/**
 * Public pages look the same to every visitor without a session, so they need no CSRF token (no form
 * on them posts) and shared caches may keep them briefly. A signed-in user's page carries their name
 * and a sign-out token: that one stays private (the app's default no-store).
 */
function publicContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  if (request.actor.kind === 'user') return pageContext(request, reply);
  return { user: null, csrf: '', path: request.url, unread: 0 };
}

function sendPublicPage(request: FastifyRequest, reply: FastifyReply, vnode: VNode, status = 200) {
  if (status === 200 && request.actor.kind !== 'user') {
    reply.header('cache-control', PUBLIC_CACHE).header('vary', 'Cookie');
  }
  return sendPage(reply, vnode, status);
}

export async function publicAdvisoryPages(app: FastifyInstance) {
  const { services } = app.parley;
  const link = (path: string) => new URL(path, services.deps.publicUrl).toString();

  app.get('/advisories', async (request, reply) => {
    const q = request.query;
    const filter: AdvisoryListFilter = {
      project: queryValue(q, 'project'),
      severity: queryValue(q, 'severity'),
      ecosystem: queryValue(q, 'ecosystem'),
      year: queryValue(q, 'year'),
      page: 1,
    };
    const projects = await services.projects.listPublic();
    const show = (
      status: number,
      result: AdvisoryListResult | null,
      errors?: FieldError[],
      message?: string,
    ) =>
      sendPublicPage(
        request,
        reply,
        <AdvisoryListPage
          ctx={publicContext(request, reply)}
          filter={filter}
          projects={projects}
          result={result}
          errors={errors}
          message={message}
        />,
        status,
      );
    const page = queryValue(q, 'page');
    if (page && !/^[1-9][0-9]{0,4}$/.test(page)) {
      return show(400, null, [{ field: 'page', message: 'Give a page number such as 2.' }]);
    }
    filter.page = page ? Number(page) : 1;
    try {
      return show(200, await services.publicAdvisories.list(filter));
    } catch (e) {
      if (e instanceof ValidationError) return show(400, null, e.errors, 'These filters cannot be applied.');
      if (e instanceof NotFoundError) return show(404, null, [], 'There is no project with that name here.');
      throw e;
    }
  });

  app.get('/advisories/:id', async (request: IdReq, reply) => {
    const id = idParam(request);
    const [advisory, notes, statements] = await Promise.all([
      services.publicAdvisories.get(id),
      services.advisoryExport.releaseNotes(id),
      services.publicAdvisories.partyStatements(id),
    ]);
    return sendPublicPage(
      request,
      reply,
      <AdvisoryPage
        ctx={publicContext(request, reply)}
        advisory={advisory}
        releaseNotes={notes}
        statements={statements}
      />,
    );
  });

  for (const format of EXPORT_FORMATS) {
    app.get(`/advisories/:id/${format}.json`, async (request: IdReq, reply) => {
      const doc = await services.advisoryExport.publicDocument(idParam(request), format);
      return sendJsonText(reply, jsonText(doc));
    });
  }

  app.get('/advisories/:id/release-notes.md', async (request: IdReq, reply) => {
    const text = await services.advisoryExport.releaseNotes(idParam(request));
    return sendPublicText(reply, 'text/markdown; charset=utf-8', text);
  });

  const sendFeed = async (reply: FastifyReply, slug?: string) => {
    const { items, project } = await services.publicAdvisories.recent(slug);
    const listUrl = project
      ? link(`/advisories?project=${encodeURIComponent(project.slug)}`)
      : link('/advisories');
    const selfUrl = project
      ? link(`/p/${encodeURIComponent(project.slug)}/advisories.atom`)
      : link('/advisories.atom');
    const xml = advisoryFeed({
      items,
      title: project ? `${project.name} security advisories` : 'Security advisories',
      listUrl,
      selfUrl,
      pageUrl: (id) => link(advisoryPath(id)),
      publisher: advisorySettings(services.deps).publisherName,
      now: services.deps.clock.now(),
    });
    return sendPublicText(reply, 'application/atom+xml; charset=utf-8', xml);
  };

  app.get('/advisories.atom', async (_request, reply) => sendFeed(reply));
  app.get('/p/:slug/advisories.atom', async (request: SlugReq, reply) =>
    sendFeed(reply, request.params.slug),
  );

  app.get('/hall-of-fame', async (request, reply) => {
    const entries = await services.publicAdvisories.hallOfFame();
    return sendPublicPage(
      request,
      reply,
      <HallOfFamePage ctx={publicContext(request, reply)} entries={entries} />,
    );
  });

  await csafProviderRoutes(app);
}
