// Public pages for reporters: start page, project page, report form, and the private case page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TooManyRequestsError, ValidationError } from '../../../domain/errors.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfValid, CSRF_RETRY } from '../csrf.ts';
import {
  FloodRefusal,
  intakeFloodGuard,
  sharedIntakeLimit,
  sharedReplyLimit,
} from '../../plugins/rate-limits.ts';
import { handleError } from '../../plugins/problem.ts';
import { HomePage } from './home.page.tsx';
import { ProjectPage } from './project.page.tsx';
import { ReportFormPage } from './report-form.page.tsx';
import { ReporterCasePage } from './reporter-case.page.tsx';
import type { ReporterCaseView } from '../../../services/presenters/case.presenter.ts';
import { TIMELINE_LATEST } from '../../../services/case-view.ts';
import { NotFoundError } from '../../../domain/errors.ts';

type SlugReq = FastifyRequest<{ Params: { slug: string } }>;
type TokenReq = FastifyRequest<{ Params: { token: string } }>;

const FLASH = 'parley_submitted';

export async function publicPages(app: FastifyInstance) {
  const { services, config, cookies } = app.parley;

  app.get('/', async (request, reply) => {
    const projects = await services.projects.listPublic();
    return sendPage(reply, <HomePage ctx={pageContext(request, reply)} projects={projects} />);
  });

  app.get('/p/:slug', async (request: SlugReq, reply) => {
    const project = await services.projects.getPublic(request.params.slug);
    const [canManage, current] = await Promise.all([
      services.projects.canManage(request.actor, project.slug),
      services.policies.current(project.slug),
    ]);
    return sendPage(
      reply,
      <ProjectPage
        ctx={pageContext(request, reply)}
        project={project}
        policy={current.policy}
        policyVersion={current.version}
        canManage={canManage}
      />,
    );
  });

  app.get('/p/:slug/report', async (request: SlugReq, reply) => {
    const project = await services.projects.getPublic(request.params.slug);
    const { policy } = await services.policies.current(project.slug);
    const pgpKey = await services.projectKeys.keyInfo(project.slug);
    return sendPage(
      reply,
      <ReportFormPage ctx={pageContext(request, reply)} project={project} policy={policy} pgpKey={pgpKey} />,
    );
  });

  /**
   * Over a rate limit (per IP, from the limiter hook, or per reporter, from intake): the form again
   * with everything the reporter typed and when to retry, so nothing written is lost.
   */
  const rateLimited = async (request: SlugReq, reply: FastifyReply, e: TooManyRequestsError) => {
    const project = await services.projects.getPublic(request.params.slug);
    const { policy } = await services.policies.current(project.slug);
    if (e.retryAfterSeconds && !reply.getHeader('retry-after'))
      reply.header('retry-after', String(e.retryAfterSeconds));
    return sendPage(
      reply,
      <ReportFormPage
        ctx={pageContext(request, reply)}
        project={project}
        policy={policy}
        values={formValues(request.body)}
        message={`Not submitted yet. ${e.message}`}
        pgpKey={await services.projectKeys.keyInfo(project.slug)}
      />,
      429,
    );
  };

  app.post(
    '/p/:slug/report',
    {
      // A flood is refused before its body is read; a person just over the limit gets the form back.
      config: { earlyLimit: intakeFloodGuard(app, config) },
      preHandler: sharedIntakeLimit(app, config),
      errorHandler: (err, request: SlugReq, reply) =>
        err instanceof TooManyRequestsError && !(err instanceof FloodRefusal)
          ? rateLimited(request, reply, err)
          : handleError(err, request, reply),
    },
    async (request: SlugReq, reply) => {
      const project = await services.projects.getPublic(request.params.slug);
      const { policy } = await services.policies.current(project.slug);
      const values = formValues(request.body);
      const again = async (
        status: number,
        errors?: ValidationError['errors'],
        message?: string,
        confirmOutOfScope?: string,
      ) =>
        sendPage(
          reply,
          <ReportFormPage
            ctx={pageContext(request, reply)}
            project={project}
            policy={policy}
            values={values}
            errors={errors}
            message={message}
            confirmOutOfScope={confirmOutOfScope}
            pgpKey={await services.projectKeys.keyInfo(project.slug)}
          />,
          status,
        );
      if (!csrfValid(request, reply)) return again(403, undefined, CSRF_RETRY);
      // A reporter who picked an out-of-scope category first reads why (and where to go instead),
      // then may submit anyway; nothing is stored until they confirm.
      const category = values.scopeCategory;
      if (
        category &&
        category !== 'in-scope' &&
        values.confirmOutOfScope !== '1' &&
        policy.scope.outOfScope.some((i) => i.id === category)
      ) {
        return again(200, undefined, undefined, category);
      }
      const confirmed = values.confirmOutOfScope === '1' ? category : undefined;
      delete values.confirmOutOfScope;
      try {
        const created = await services.cases.submitReport(project.slug, values, 'web');
        reply.setCookie(FLASH, '1', {
          path: '/c/',
          httpOnly: true,
          sameSite: 'lax',
          secure: cookies.secure,
          maxAge: 120,
        });
        return reply.redirect(created.casePath, 303);
      } catch (e) {
        if (e instanceof ValidationError) return again(422, e.errors, e.message, confirmed);
        if (e instanceof TooManyRequestsError) return rateLimited(request, reply, e);
        throw e;
      }
    },
  );

  // The published policy as files, for people and tools that want them rather than the page.
  app.get('/p/:slug/SECURITY.md', async (request: SlugReq, reply) => {
    const text = await services.policies.securityMd(request.params.slug);
    return reply.type('text/markdown; charset=utf-8').send(text);
  });

  app.get('/p/:slug/security.txt', async (request: SlugReq, reply) => {
    const text = await services.policies.securityTxt(request.params.slug);
    return reply.type('text/plain; charset=utf-8').send(text);
  });

  app.get('/.well-known/security.txt', async (_request, reply) => {
    const text = await services.policies.instanceSecurityTxt();
    return reply.type('text/plain; charset=utf-8').send(text);
  });

  async function reporterView(request: TokenReq): Promise<ReporterCaseView> {
    const actor = await services.auth.resolveCaseToken(request.params.token);
    if (!actor)
      throw new NotFoundError(
        'This private link does not lead to a report. Check that you copied all of it.',
      );
    // The latest entries, like the team's page: a long thread would make every page (and every reply,
    // which answers with the page) slower; `?timeline=all` shows everything.
    const all = (request.query as { timeline?: unknown } | undefined)?.timeline === 'all';
    return (await services.cases.get(
      actor,
      { id: actor.kind === 'reporter' ? actor.caseId : '' },
      { timelineLimit: all ? undefined : TIMELINE_LATEST },
    )) as ReporterCaseView;
  }

  const showCase = async (
    request: TokenReq,
    reply: FastifyReply,
    extra: {
      values?: Record<string, string | undefined>;
      errors?: ValidationError['errors'];
      detailValues?: Record<string, string | undefined>;
      detailErrors?: ValidationError['errors'];
    } = {},
    status = 200,
  ) => {
    const view = await reporterView(request);
    const justSubmitted = request.cookies[FLASH] === '1';
    if (justSubmitted) reply.clearCookie(FLASH, { path: '/c/' });
    return sendPage(
      reply,
      <ReporterCasePage
        ctx={pageContext(request, reply)}
        view={view}
        token={request.params.token}
        justSubmitted={justSubmitted}
        {...extra}
      />,
      status,
    );
  };

  app.get('/c/:token', async (request: TokenReq, reply) => showCase(request, reply));

  const replyLimit = { preHandler: sharedReplyLimit(app, config) };

  app.post(
    '/c/:token/messages',
    {
      ...replyLimit,
      // Over the per-IP limit: the case page again with the reply kept, not an error page.
      errorHandler: (err, request: TokenReq, reply) =>
        err instanceof TooManyRequestsError
          ? showCase(
              request,
              reply,
              { values: formValues(request.body), errors: [{ field: 'body', message: err.message }] },
              429,
            )
          : handleError(err, request, reply),
    },
    async (request: TokenReq, reply) => {
      const values = formValues(request.body);
      if (!csrfValid(request, reply)) {
        return showCase(request, reply, { values, errors: [{ field: 'body', message: CSRF_RETRY }] }, 403);
      }
      const actor = await services.auth.resolveCaseToken(request.params.token);
      if (!actor) throw new NotFoundError('This private link does not lead to a report.');
      try {
        await services.cases.addMessage(
          actor,
          { id: actor.kind === 'reporter' ? actor.caseId : '' },
          { body: values.body },
          'web',
        );
      } catch (e) {
        if (e instanceof ValidationError) return showCase(request, reply, { values, errors: e.errors }, 422);
        // Over the per-case message limit: the page again, the reply kept in its box, the wait stated.
        if (e instanceof TooManyRequestsError) {
          if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
          return showCase(request, reply, { values, errors: [{ field: 'body', message: e.message }] }, 429);
        }
        throw e;
      }
      return reply.redirect(`/c/${request.params.token}#reply`, 303);
    },
  );

  app.post('/c/:token/details', replyLimit, async (request: TokenReq, reply) => {
    const v = formValues(request.body);
    const detailValues = { creditPreference: 'anonymous', ...v };
    if (!csrfValid(request, reply)) {
      return showCase(
        request,
        reply,
        { detailValues, detailErrors: [{ field: 'reporterEmail', message: CSRF_RETRY }] },
        403,
      );
    }
    const actor = await services.auth.resolveCaseToken(request.params.token);
    if (!actor) throw new NotFoundError('This private link does not lead to a report.');
    try {
      await services.cases.update(
        actor,
        { id: actor.kind === 'reporter' ? actor.caseId : '' },
        {
          reporterEmail: v.reporterEmail ?? '',
          creditPreference: v.creditPreference ?? 'anonymous',
          creditName: v.creditName ?? '',
        },
      );
    } catch (e) {
      if (e instanceof ValidationError)
        return showCase(request, reply, { detailValues, detailErrors: e.errors }, 422);
      throw e;
    }
    return reply.redirect(`/c/${request.params.token}`, 303);
  });
}
