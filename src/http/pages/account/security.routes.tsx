// /account/security routes: TOTP enrolment and removal, recovery codes, passkeys (register with
// JavaScript; rename and remove without), and the session list with revoke. Each route parses the
// form, calls one service method and shows the result; the services check who may do what.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from '../team/guard.ts';
import { accountRateLimit } from '../../plugins/rate-limits.ts';
import { clearSessionCookie, clientMeta, sessionCookie } from './session-cookie.ts';
import { jsonAnswer, passkeyAnswer } from './second-factor.routes.tsx';
import { RecoveryCodesPage, SecurityPage, TotpEnrolPage } from './security.pages.tsx';

type Params<P> = FastifyRequest<{ Params: P }>;

const NOTICES: Record<string, string> = {
  'totp-off': 'The authenticator app is turned off.',
  'passkey-added': 'The passkey is added.',
  'passkey-renamed': 'The passkey is renamed.',
  'passkey-removed': 'The passkey is removed.',
  'session-revoked': 'That session is signed out.',
  'others-revoked': 'Every other session is signed out.',
};

export async function securityPages(app: FastifyInstance) {
  const { services, config } = app.parley;
  const secret = (request: FastifyRequest) => sessionCookie(request) ?? '';

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { notice?: string; errors?: ValidationError['errors']; message?: string; status?: number } = {},
  ) => {
    const [totp, passkeys, sessions] = await Promise.all([
      services.totp.status(request.actor),
      services.passkeys.list(request.actor),
      services.sessions.list(request.actor, secret(request)),
    ]);
    return sendPage(
      reply,
      <SecurityPage
        ctx={pageContext(request, reply)}
        state={{ totp, passkeys, sessions }}
        notice={extra.notice}
        errors={extra.errors}
        message={extra.message}
      />,
      extra.status ?? 200,
    );
  };

  /** Runs a change; a refusal the user can fix is shown on the page instead of an error page. */
  const attempt = async (
    request: FastifyRequest,
    reply: FastifyReply,
    run: () => Promise<FastifyReply | string>,
  ) => {
    try {
      const r = await run();
      return typeof r === 'string' ? reply.redirect(`/account/security?done=${r}`, 303) : r;
    } catch (e) {
      if (e instanceof ValidationError) return show(request, reply, { errors: e.errors, status: 422 });
      if (e instanceof ConflictError || e instanceof ForbiddenError || e instanceof NotFoundError)
        return show(request, reply, { message: e.message, status: e instanceof NotFoundError ? 404 : 409 });
      throw e;
    }
  };

  const codesPage = (request: FastifyRequest, reply: FastifyReply, codes: string[], intro: string) =>
    sendPage(reply, <RecoveryCodesPage ctx={pageContext(request, reply)} codes={codes} intro={intro} />);

  app.get(
    '/account/security',
    { preHandler: requireSignIn },
    async (request: FastifyRequest<{ Querystring: { done?: string; recovery?: string } }>, reply) => {
      const q = request.query;
      const notice =
        q.recovery !== undefined && /^\d+$/.test(q.recovery)
          ? `You signed in with a recovery code; ${q.recovery} are left. Make new ones below if you are running low.`
          : q.done
            ? NOTICES[q.done]
            : undefined;
      return show(request, reply, notice ? { notice } : {});
    },
  );

  // --- authenticator app
  app.post('/account/security/totp', { preHandler: [requireSignIn, csrfGuard] }, async (request, reply) =>
    attempt(request, reply, async () => {
      const enrolment = await services.totp.beginEnrolment(request.actor);
      return sendPage(reply, <TotpEnrolPage ctx={pageContext(request, reply)} enrolment={enrolment} />);
    }),
  );

  app.post(
    '/account/security/totp/confirm',
    { preHandler: [requireSignIn, csrfGuard], config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) => {
      const v = formValues(request.body);
      try {
        const r = await services.totp.confirmEnrolment(
          request.actor,
          secret(request),
          v.code,
          clientMeta(request),
        );
        if (!r.recoveryCodes) return reply.redirect('/account/security', 303);
        return codesPage(
          request,
          reply,
          r.recoveryCodes,
          'The authenticator app is on. If you lose it, these codes let you in.',
        );
      } catch (e) {
        if (!(e instanceof ValidationError)) return attempt(request, reply, () => Promise.reject(e));
        const enrolment = await services.totp.beginEnrolment(request.actor);
        return sendPage(
          reply,
          <TotpEnrolPage ctx={pageContext(request, reply)} enrolment={enrolment} errors={e.errors} />,
          422,
        );
      }
    },
  );

  app.post(
    '/account/security/totp/disable',
    { preHandler: [requireSignIn, csrfGuard], config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) => {
      const v = formValues(request.body);
      return attempt(request, reply, async () => {
        await services.totp.disable(
          request.actor,
          { code: v.code, password: v.password },
          clientMeta(request),
        );
        return 'totp-off';
      });
    },
  );

  app.post(
    '/account/security/recovery-codes',
    { preHandler: [requireSignIn, csrfGuard], config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) => {
      const v = formValues(request.body);
      return attempt(request, reply, async () => {
        const codes = await services.totp.regenerateRecoveryCodes(
          request.actor,
          v.password,
          clientMeta(request),
        );
        return codesPage(request, reply, codes, 'Your new recovery codes. The old ones no longer work.');
      });
    },
  );

  // --- passkeys
  app.post(
    '/account/security/passkeys/options',
    { preHandler: [requireSignIn, csrfGuard], config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) =>
      jsonAnswer(reply, () => services.passkeys.registrationOptions(request.actor, secret(request))),
  );

  app.post(
    '/account/security/passkeys',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request, reply) => {
      const v = formValues(request.body);
      return attempt(request, reply, async () => {
        const r = await services.passkeys.register(
          request.actor,
          secret(request),
          { name: v.name, response: passkeyAnswer(v.response) },
          clientMeta(request),
        );
        if (!r.recoveryCodes) return 'passkey-added';
        return codesPage(
          request,
          reply,
          r.recoveryCodes,
          'The passkey is added. If you lose it, these codes let you in.',
        );
      });
    },
  );

  app.post(
    '/account/security/passkeys/:id/rename',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: Params<{ id: string }>, reply) => {
      const v = formValues(request.body);
      return attempt(request, reply, async () => {
        await services.passkeys.rename(request.actor, request.params.id, v.name);
        return 'passkey-renamed';
      });
    },
  );

  app.post(
    '/account/security/passkeys/:id/remove',
    { preHandler: [requireSignIn, csrfGuard], config: { rateLimit: accountRateLimit(config) } },
    async (request: Params<{ id: string }>, reply) => {
      const v = formValues(request.body);
      return attempt(request, reply, async () => {
        await services.passkeys.remove(request.actor, request.params.id, v.password, clientMeta(request));
        return 'passkey-removed';
      });
    },
  );

  // --- sessions
  app.post(
    '/account/security/sessions/:handle/revoke',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: Params<{ handle: string }>, reply) => {
      const current = (await services.sessions.list(request.actor, secret(request))).find((s) => s.current);
      return attempt(request, reply, async () => {
        await services.sessions.revoke(request.actor, request.params.handle, clientMeta(request));
        if (current?.handle !== request.params.handle) return 'session-revoked';
        clearSessionCookie(reply);
        return reply.redirect('/login', 303);
      });
    },
  );

  app.post(
    '/account/security/sessions/revoke-others',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request, reply) =>
      attempt(request, reply, async () => {
        await services.sessions.revokeOthers(request.actor, secret(request), clientMeta(request));
        return 'others-revoked';
      }),
  );
}
