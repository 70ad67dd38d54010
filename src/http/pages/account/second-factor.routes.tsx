// The second step of sign-in (/login/second-factor) and passkey sign-in (/login/passkey): a pending
// login becomes a session here, under a new cookie value. Rate-limited per address; the services
// count and audit failures per account.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, UnauthenticatedError, ValidationError } from '../../../domain/errors.ts';
import { toProblem } from '../../plugins/problem.ts';
import { accountRateLimit } from '../../plugins/rate-limits.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { safeNext } from './account.routes.tsx';
import { clearSessionCookie, clientMeta, sessionCookie, setSessionCookie } from './session-cookie.ts';
import { SecondFactorPage } from './second-factor.page.tsx';

/** Answers a script's JSON request; a domain error becomes `{error}` with its status. */
export async function jsonAnswer(reply: FastifyReply, run: () => Promise<unknown>) {
  try {
    return reply.type('application/json').send(JSON.stringify(await run()));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const p = toProblem(e);
    return reply
      .status(p.status)
      .type('application/json')
      .send(JSON.stringify({ error: p.detail }));
  }
}

/** The `response` field of a passkey form: the authenticator's answer as JSON. */
export function passkeyAnswer(raw: string | undefined): unknown {
  try {
    return JSON.parse(raw ?? '');
  } catch {
    throw new ValidationError([{ field: 'response', message: 'The passkey answer is missing.' }]);
  }
}

export async function secondFactorPages(app: FastifyInstance) {
  const { services, config } = app.parley;

  const page = async (request: FastifyRequest, reply: FastifyReply, next: string, message?: string) => {
    const p = await services.secondFactor.pending(sessionCookie(request));
    if (!p) return reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    return sendPage(
      reply,
      <SecondFactorPage
        ctx={pageContext(request, reply)}
        next={next}
        email={p.user.email}
        totp={p.totp}
        passkeys={p.passkeys}
        message={message}
      />,
      message ? 422 : 200,
    );
  };

  app.get(
    '/login/second-factor',
    async (request: FastifyRequest<{ Querystring: { next?: string } }>, reply) => {
      if (request.actor.kind === 'user') return reply.redirect(safeNext(request.query.next), 303);
      return page(request, reply, safeNext(request.query.next));
    },
  );

  app.post(
    '/login/second-factor',
    { preHandler: csrfGuard, config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) => {
      const v = formValues(request.body);
      const next = safeNext(v.next);
      try {
        const r = await services.secondFactor.verifyCode(sessionCookie(request), v.code, clientMeta(request));
        setSessionCookie(reply, r.sessionSecret);
        // After a recovery code, show how many are left (and offer new ones).
        if (r.recoveryCodesLeft !== null)
          return reply.redirect(`/account/security?recovery=${r.recoveryCodesLeft}`, 303);
        return reply.redirect(next, 303);
      } catch (e) {
        if (e instanceof ValidationError) return page(request, reply, next, e.message);
        if (e instanceof UnauthenticatedError)
          return reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
        throw e;
      }
    },
  );

  app.post('/login/second-factor/cancel', { preHandler: csrfGuard }, async (request, reply) => {
    await services.secondFactor.cancel(sessionCookie(request));
    clearSessionCookie(reply);
    return reply.redirect('/login', 303);
  });

  // The script asks for options first: for the pending login's passkeys, or for any passkey.
  app.post(
    '/login/passkey/options',
    { preHandler: csrfGuard, config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) => jsonAnswer(reply, () => services.passkeys.loginOptions(sessionCookie(request))),
  );

  app.post(
    '/login/passkey',
    { preHandler: csrfGuard, config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) => {
      const v = formValues(request.body);
      const next = safeNext(v.next);
      const pending = await services.secondFactor.pending(sessionCookie(request));
      try {
        const r = await services.passkeys.login(
          sessionCookie(request),
          passkeyAnswer(v.response),
          clientMeta(request),
        );
        setSessionCookie(reply, r.sessionSecret);
        return reply.redirect(next, 303);
      } catch (e) {
        if (!(e instanceof ValidationError || e instanceof UnauthenticatedError)) throw e;
        if (pending) return page(request, reply, next, e.message);
        return reply.redirect(`/login?next=${encodeURIComponent(next)}&passkey=failed`, 303);
      }
    },
  );
}
