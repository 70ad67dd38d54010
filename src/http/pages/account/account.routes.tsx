// Sign-in and sign-out, the first-admin setup link and account activation links.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError, ValidationError, NotFoundError } from '../../../domain/errors.ts';
import { clearSessionCookie, clientMeta, setSessionCookie } from './session-cookie.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { loginLimit, loginRateLimit } from '../../plugins/rate-limits.ts';
import { LoginPage, SetupPage, ActivatePage } from './account.pages.tsx';

type TokenReq = FastifyRequest<{ Params: { token: string } }>;

/** Only local paths are followed after sign-in, so the login page cannot redirect elsewhere. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/inbox';
}

export async function accountPages(app: FastifyInstance) {
  const { services, config, cookies } = app.parley;

  /** Signs in with a password; true when the account's second factor is still to be given. */
  const startSession = async (
    reply: FastifyReply,
    email: string,
    password: string,
    request: FastifyRequest,
  ): Promise<boolean> => {
    const s = await services.auth.login(email, password, clientMeta(request));
    setSessionCookie(reply, s.sessionSecret, s.pending);
    return s.pending;
  };

  app.get(
    '/login',
    async (
      request: FastifyRequest<{ Querystring: { next?: string; reset?: string; passkey?: string } }>,
      reply,
    ) => {
      if (request.actor.kind === 'user') return reply.redirect(safeNext(request.query.next), 303);
      return sendPage(
        reply,
        <LoginPage
          ctx={pageContext(request, reply)}
          next={safeNext(request.query.next)}
          message={request.query.passkey === 'failed' ? 'That passkey could not sign you in.' : undefined}
          notice={
            request.query.reset === '1'
              ? 'Your new password is set and every session was signed out. Sign in with it.'
              : undefined
          }
        />,
      );
    },
  );

  app.post(
    '/login',
    // Refused over the limit before the session cookie is looked up, the CSRF token checked or a
    // password hashed: a flood of sign-ins costs next to nothing (plugins/rate-limits.ts).
    { preHandler: csrfGuard, config: { earlyLimit: loginLimit(app, config) } },
    async (request, reply) => {
      const v = formValues(request.body);
      let pending: boolean;
      try {
        pending = await startSession(reply, v.email ?? '', v.password ?? '', request);
      } catch (e) {
        if (e instanceof UnauthenticatedError) {
          return sendPage(
            reply,
            <LoginPage
              ctx={pageContext(request, reply)}
              next={safeNext(v.next)}
              values={{ email: v.email }}
              message={e.message}
            />,
            401,
          );
        }
        throw e;
      }
      if (pending)
        return reply.redirect(`/login/second-factor?next=${encodeURIComponent(safeNext(v.next))}`, 303);
      return reply.redirect(safeNext(v.next), 303);
    },
  );

  app.post('/logout', { preHandler: csrfGuard }, async (request, reply) => {
    const secret = request.cookies[cookies.sessionName];
    if (secret) await services.auth.logout(secret, clientMeta(request));
    clearSessionCookie(reply);
    return reply.redirect('/', 303);
  });

  app.get('/setup/:token', async (request: TokenReq, reply) => {
    if (!(await services.auth.isSetupTokenValid(request.params.token)))
      throw new NotFoundError('This setup link is not valid any more.');
    return sendPage(reply, <SetupPage ctx={pageContext(request, reply)} token={request.params.token} />);
  });

  app.post(
    '/setup/:token',
    { preHandler: csrfGuard, config: { rateLimit: loginRateLimit(config) } },
    async (request: TokenReq, reply) => {
      const v = formValues(request.body);
      try {
        await services.auth.completeSetup(request.params.token, v);
      } catch (e) {
        if (e instanceof ValidationError) {
          return sendPage(
            reply,
            <SetupPage
              ctx={pageContext(request, reply)}
              token={request.params.token}
              values={v}
              errors={e.errors}
            />,
            422,
          );
        }
        throw e;
      }
      await startSession(reply, v.email ?? '', v.password ?? '', request);
      return reply.redirect('/inbox', 303);
    },
  );

  app.get('/activate/:token', async (request: TokenReq, reply) => {
    const a = await services.auth.findActivation(request.params.token);
    if (!a) throw new NotFoundError('This activation link is not valid any more.');
    return sendPage(
      reply,
      <ActivatePage ctx={pageContext(request, reply)} token={request.params.token} email={a.email} />,
    );
  });

  app.post(
    '/activate/:token',
    { preHandler: csrfGuard, config: { rateLimit: loginRateLimit(config) } },
    async (request: TokenReq, reply) => {
      const v = formValues(request.body);
      const a = await services.auth.findActivation(request.params.token);
      if (!a) throw new NotFoundError('This activation link is not valid any more.');
      try {
        await services.auth.activate(request.params.token, v.password);
      } catch (e) {
        if (e instanceof ValidationError) {
          return sendPage(
            reply,
            <ActivatePage
              ctx={pageContext(request, reply)}
              token={request.params.token}
              email={a.email}
              errors={e.errors}
            />,
            422,
          );
        }
        throw e;
      }
      await startSession(reply, a.email, v.password ?? '', request);
      return reply.redirect('/inbox', 303);
    },
  );
}
