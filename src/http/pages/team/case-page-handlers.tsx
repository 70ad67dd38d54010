// The team case page as a handler pair shared by every route file that posts a case action:
// `showCase` renders the page for the reader's standing (team, collaborator, party) and `action`
// runs a form action, re-rendering the page with the reason when the service refuses it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, ConflictError, ForbiddenError } from '../../../domain/errors.ts';
import type { TeamCaseView } from '../../../services/presenters/case.presenter.ts';
import type { Services } from '../../../services/index.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { CasePage } from './case.page.tsx';
import { PartyCasePage } from './party-case.page.tsx';
import { loadCoordination } from './coordination-panel.tsx';
import { TIMELINE_LATEST } from '../../../services/case-view.ts';

export type KeyReq = FastifyRequest<{ Params: { key: string } }>;

export function casePageHandlers(services: Services) {
  const showCase = async (
    request: KeyReq,
    reply: FastifyReply,
    status = 200,
    error?: { message: string; errors?: ValidationError['errors'] },
    values?: { body?: string; note?: string },
  ) => {
    const ref = { key: request.params.key };
    const all = (request.query as Record<string, unknown> | undefined)?.timeline === 'all';
    const view = await services.cases.get(request.actor, ref, {
      ip: request.ip,
      timelineLimit: all ? undefined : TIMELINE_LATEST,
    });
    // A key the case had before it moved to another project (case-move.service.ts): send the
    // browser to its current address; only after the access check, so an old key leaks nothing.
    if (status === 200 && view.key !== request.params.key)
      return reply.redirect(`/cases/${encodeURIComponent(view.key)}`, 301);
    if (view.audience === 'party')
      return sendPage(
        reply,
        <PartyCasePage ctx={pageContext(request, reply)} view={view} error={error} values={values} />,
        status,
      );
    // A reporter can never reach this page (pages resolve only sessions), but the presenter decides, not the route.
    if (view.audience !== 'team') throw new ForbiddenError();
    // Collaborators read the case; the team's controls and coordination are not theirs.
    const guest = view.viewer === 'collaborator';
    const members = guest ? [] : await services.cases.assignableMembers(request.actor, ref);
    const advisories = guest ? [] : await services.advisories.ofCase(request.actor, view.id);
    const coordination = guest ? null : await loadCoordination(services, request.actor, ref);
    // Duplicates are looked for while the case is being triaged, or when asked: in a project with
    // thousands of open cases the comparison costs more than the rest of the page.
    const wantSimilar =
      (request.query as Record<string, unknown> | undefined)?.similar === '1' ||
      view.state === 'new' ||
      view.state === 'acknowledged';
    const similar = guest
      ? null
      : wantSimilar
        ? await services.triage.similarCases(request.actor, ref)
        : 'on-request';
    return sendPage(
      reply,
      <CasePage
        ctx={pageContext(request, reply)}
        view={view as TeamCaseView}
        members={members}
        advisories={advisories}
        coordination={coordination}
        similar={similar}
        error={error}
        values={values}
      />,
      status,
    );
  };

  /** Runs a case action; domain refusals re-render the case page with the reason instead of an error page. */
  const action =
    (
      run: (request: KeyReq, v: Record<string, string | undefined>) => Promise<unknown>,
      anchor = 'timeline',
    ) =>
    async (request: KeyReq, reply: FastifyReply) => {
      const v = formValues(request.body);
      try {
        await run(request, v);
      } catch (e) {
        if (e instanceof ValidationError || e instanceof ConflictError) {
          const values = v.internal === 'true' ? { note: v.body } : { body: v.body };
          return showCase(
            request,
            reply,
            e instanceof ValidationError ? 422 : 409,
            { message: e.message, errors: e instanceof ValidationError ? e.errors : undefined },
            values,
          );
        }
        throw e;
      }
      return reply.redirect(`/cases/${encodeURIComponent(request.params.key)}#${anchor}`, 303);
    };

  return { showCase, action };
}
