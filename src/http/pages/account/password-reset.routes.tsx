// Password reset by mail: /password-reset asks for the address (same answer whether or not an
// account has it), /password-reset/{token} sets the new password. Rate-limited per address here,
// per account in the service.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError, type FieldError } from '../../../domain/errors.ts';
import { accountRateLimit } from '../../plugins/rate-limits.ts';
import { sendPage, pageContext, type PageContext } from '../render.ts';
import { Csrf, ErrorSummary, TextField, formValues, type Values } from '../components/form.tsx';
import { Layout } from '../components/layout.tsx';
import { NewPasswordForm } from './account.pages.tsx';
import { csrfGuard } from '../csrf.ts';
import { clearSessionCookie, clientMeta } from './session-cookie.ts';

function RequestPage(props: { ctx: PageContext; sent?: boolean; values?: Values; errors?: FieldError[] }) {
  return (
    <Layout ctx={props.ctx} title="Reset your password">
      <section class="card narrow">
        <h1>Reset your password</h1>
        {props.sent ? (
          <p class="alert success" role="status">
            If an account has this address, a link to choose a new password is on its way. It works once, for
            one hour. Check your spam folder if nothing arrives in a few minutes.
          </p>
        ) : (
          <>
            <p>Enter the e-mail address of your team account. We send a link to choose a new password.</p>
            <ErrorSummary errors={props.errors} />
            <form method="post" action="/password-reset">
              <Csrf token={props.ctx.csrf} />
              <TextField
                name="email"
                type="email"
                label="E-mail"
                required
                autocomplete="username"
                values={props.values}
                errors={props.errors}
              />
              <div class="actions">
                <button type="submit">Send the link</button>
                <a href="/login">Back to sign-in</a>
              </div>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}

function NewPasswordPage(props: { ctx: PageContext; token: string; email: string; errors?: FieldError[] }) {
  return (
    <Layout ctx={props.ctx} title="Choose a new password">
      <section class="card narrow">
        <h1>Choose a new password</h1>
        <p>
          For <strong>{props.email}</strong>. Every session of the account is signed out; two-factor sign-in
          stays on.
        </p>
        <ErrorSummary errors={props.errors} />
        <NewPasswordForm
          action={`/password-reset/${props.token}`}
          csrf={props.ctx.csrf}
          label="New password"
          button="Set the new password"
          errors={props.errors}
        />
      </section>
    </Layout>
  );
}

type TokenReq = FastifyRequest<{ Params: { token: string } }>;

export async function passwordResetPages(app: FastifyInstance) {
  const { services, config } = app.parley;

  app.get('/password-reset', async (request, reply) =>
    sendPage(reply, <RequestPage ctx={pageContext(request, reply)} />),
  );

  app.post(
    '/password-reset',
    { preHandler: csrfGuard, config: { rateLimit: accountRateLimit(config) } },
    async (request, reply) => {
      const v = formValues(request.body);
      try {
        await services.passwordReset.request(v.email, clientMeta(request));
      } catch (e) {
        if (e instanceof ValidationError)
          return sendPage(
            reply,
            <RequestPage ctx={pageContext(request, reply)} values={v} errors={e.errors} />,
            422,
          );
        throw e;
      }
      return sendPage(reply, <RequestPage ctx={pageContext(request, reply)} sent />);
    },
  );

  app.get('/password-reset/:token', async (request: TokenReq, reply) => {
    const r = await services.passwordReset.check(request.params.token);
    if (!r) throw new NotFoundError('This reset link is not valid any more. Ask for a new one.');
    return sendPage(
      reply,
      <NewPasswordPage ctx={pageContext(request, reply)} token={request.params.token} email={r.email} />,
    );
  });

  app.post(
    '/password-reset/:token',
    { preHandler: csrfGuard, config: { rateLimit: accountRateLimit(config) } },
    async (request: TokenReq, reply) => {
      const v = formValues(request.body);
      try {
        await services.passwordReset.complete(request.params.token, v.password, clientMeta(request));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        const r = await services.passwordReset.check(request.params.token);
        if (!r) throw new NotFoundError('This reset link is not valid any more. Ask for a new one.');
        return sendPage(
          reply,
          <NewPasswordPage
            ctx={pageContext(request, reply)}
            token={request.params.token}
            email={r.email}
            errors={e.errors}
          />,
          422,
        );
      }
      clearSessionCookie(reply);
      return reply.redirect('/login?reset=1', 303);
    },
  );
}
