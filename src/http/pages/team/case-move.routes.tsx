// Team pages for moving work out of a case: the move page, the transfer and downgrade forms
// (POST → 303 → the case), and the public-issue export as a Markdown download. A refused form
// shows the move page again with the reason and what was typed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../../domain/errors.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues, type Values } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { CaseMovePage } from './case-move.tsx';

type KeyReq = FastifyRequest<{ Params: { key: string } }>;
type Form = 'transfer' | 'downgrade';

/** The confirmation box of a form; the service never sees it (the API has no such step). */
function requireConfirm(v: Values, message: string): void {
  if (v.confirm !== 'yes') throw new ValidationError([{ field: 'confirm', message }]);
}

export async function caseMovePages(app: FastifyInstance) {
  const { services } = app.parley;

  const showMove = async (
    request: KeyReq,
    reply: FastifyReply,
    status = 200,
    error?: { message: string; errors?: FieldError[] | undefined; form: Form },
    values?: Values,
  ) => {
    const options = await services.caseMove.options(request.actor, { key: request.params.key });
    return sendPage(
      reply,
      <CaseMovePage ctx={pageContext(request, reply)} options={options} error={error} values={values} />,
      status,
    );
  };

  /** Runs a form; refusals the user can act on re-render the move page (404 only for the target). */
  const run =
    (form: Form, act: (request: KeyReq, v: Values) => Promise<string>) =>
    async (request: KeyReq, reply: FastifyReply) => {
      const v = formValues(request.body);
      let to: string;
      try {
        to = await act(request, v);
      } catch (e) {
        const status =
          e instanceof ValidationError
            ? 422
            : e instanceof ConflictError
              ? 409
              : e instanceof NotFoundError
                ? 404
                : 0;
        if (!status) throw e;
        // A case the user cannot see fails again here, as the usual 404 page.
        return showMove(
          request,
          reply,
          status,
          {
            message: e instanceof Error ? e.message : 'Refused.',
            errors: (e as ValidationError).errors,
            form,
          },
          v,
        );
      }
      return reply.redirect(to, 303);
    };

  const guarded = { preHandler: [requireSignIn, csrfGuard] };

  app.get('/cases/:key/move', { preHandler: requireSignIn }, async (request: KeyReq, reply) =>
    showMove(request, reply),
  );

  app.post<{ Params: { key: string } }>(
    '/cases/:key/transfer',
    guarded,
    run('transfer', async (request, v) => {
      requireConfirm(v, 'Tick the box to confirm the move.');
      const moved = await services.caseMove.transfer(
        request.actor,
        { key: request.params.key },
        { project: v.project },
        { ip: request.ip },
      );
      return `/cases/${encodeURIComponent(moved.key)}#timeline`;
    }),
  );

  app.post<{ Params: { key: string } }>(
    '/cases/:key/downgrade',
    guarded,
    run('downgrade', async (request, v) => {
      requireConfirm(v, 'Tick the box to confirm: the case closes and the reporter is told.');
      const done = await services.caseMove.downgrade(
        request.actor,
        { key: request.params.key },
        { issueUrl: v.issueUrl, message: v.message },
        { ip: request.ip, channel: 'web' },
      );
      return `/cases/${encodeURIComponent(done.key)}#timeline`;
    }),
  );

  app.get('/cases/:key/issue.md', { preHandler: requireSignIn }, async (request: KeyReq, reply) => {
    const md = await services.caseMove.exportIssue(
      request.actor,
      { key: request.params.key },
      { ip: request.ip },
    );
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="${md.filename}"`)
      .header('cache-control', 'no-store')
      .send(md.markdown);
  });
}
