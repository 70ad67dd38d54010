// /account/tokens: the signed-in member's personal API tokens — create (name, scopes, expiry; the
// secret is shown once), list with last use, revoke.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError, type FieldError } from '../../../domain/errors.ts';
import { SCOPE_LABELS, TOKEN_SCOPES } from '../../../domain/token-scopes.ts';
import {
  DEFAULT_TOKEN_DAYS,
  TOKEN_DAY_CHOICES,
  type TokenView,
} from '../../../services/accounts/api-tokens.service.ts';
import { sendPage, pageContext, type PageContext } from '../render.ts';
import { Csrf, ErrorSummary, TextField, errorFor, formValues, type Values } from '../components/form.tsx';
import { Layout } from '../components/layout.tsx';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from '../team/guard.ts';
import { clientMeta } from './session-cookie.ts';

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

function TokensPage(props: {
  ctx: PageContext;
  tokens: TokenView[];
  created?: { token: string; name: string } | undefined;
  values?: Values | undefined;
  scopes?: string[] | undefined;
  errors?: FieldError[] | undefined;
  message?: string | undefined;
}) {
  const chosen = props.scopes ?? ['read'];
  const days = props.values?.days ?? String(DEFAULT_TOKEN_DAYS);
  return (
    <Layout ctx={props.ctx} title="API tokens">
      <h1>API tokens</h1>
      <p class="muted">
        Personal tokens for scripts and CI: send one as <code>Authorization: Bearer pat_…</code>. A token acts
        as you, within its scopes, until it expires or you revoke it. See also{' '}
        <a href="/account/security">Account security</a>.
      </p>
      {props.created ? (
        <div class="alert success" role="status">
          <strong>Token “{props.created.name}” created.</strong> Copy it now: it is not shown again.
          <code class="secret" data-copy>
            {props.created.token}
          </code>
        </div>
      ) : null}
      <ErrorSummary errors={props.errors} message={props.message} />
      {props.tokens.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="skip">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.tokens.map((t) => (
                <tr key={t.id}>
                  <td>
                    {t.name} {t.status !== 'active' ? <span class="badge">{t.status}</span> : null}
                  </td>
                  <td>{t.scopes.join(', ')}</td>
                  <td>{day(t.createdAt)}</td>
                  <td>{day(t.lastUsedAt)}</td>
                  <td>{t.expiresAt ? day(t.expiresAt) : 'never'}</td>
                  <td>
                    {t.status === 'revoked' ? null : (
                      <form method="post" action={`/account/tokens/${t.id}/revoke`} class="inline">
                        <Csrf token={props.ctx.csrf} />
                        <button type="submit" class="link">
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>You have no API tokens.</p>
      )}
      <section class="card">
        <h2>New token</h2>
        <form method="post" action="/account/tokens">
          <Csrf token={props.ctx.csrf} />
          <TextField
            name="name"
            label="What is it for?"
            required
            maxLength={100}
            values={props.values}
            errors={props.errors}
          />
          <fieldset aria-describedby={errorFor(props.errors, 'scopes') ? 'scopes-error' : undefined}>
            <legend>Scopes</legend>
            {TOKEN_SCOPES.map((s) => (
              <label class="check" key={s}>
                <input type="checkbox" name="scopes" value={s} checked={chosen.includes(s)} />{' '}
                {SCOPE_LABELS[s]}
              </label>
            ))}
            {errorFor(props.errors, 'scopes') ? (
              <p class="field-error" id="scopes-error">
                {errorFor(props.errors, 'scopes')}
              </p>
            ) : null}
          </fieldset>
          <label for="days">Expires after</label>
          <select id="days" name="days">
            {TOKEN_DAY_CHOICES.map((d) => (
              <option value={String(d)} selected={days === String(d)} key={d}>
                {d} days
              </option>
            ))}
          </select>
          <div class="actions">
            <button type="submit">Create token</button>
          </div>
        </form>
      </section>
      <script src="/assets/copy.js" defer />
    </Layout>
  );
}

/** Checkbox values: a repeated field arrives as an array, a single one as a string. */
function scopesOf(body: unknown): string[] {
  const raw = (body as Record<string, unknown> | undefined)?.scopes;
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (s): s is string => typeof s === 'string',
  );
}

export async function tokenPages(app: FastifyInstance) {
  const { services } = app.parley;

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Omit<Parameters<typeof TokensPage>[0], 'ctx' | 'tokens'> = {},
    status = 200,
  ) =>
    sendPage(
      reply,
      <TokensPage
        ctx={pageContext(request, reply)}
        tokens={await services.apiTokens.list(request.actor)}
        {...extra}
      />,
      status,
    );

  app.get('/account/tokens', { preHandler: requireSignIn }, async (request, reply) => show(request, reply));

  app.post('/account/tokens', { preHandler: [requireSignIn, csrfGuard] }, async (request, reply) => {
    const v = formValues(request.body);
    const scopes = scopesOf(request.body);
    try {
      const t = await services.apiTokens.create(
        request.actor,
        { name: v.name, scopes, days: v.days },
        clientMeta(request),
      );
      return show(request, reply, { created: { token: t.token, name: (v.name ?? '').trim() } });
    } catch (e) {
      if (e instanceof ValidationError)
        return show(request, reply, { values: v, scopes, errors: e.errors }, 422);
      throw e;
    }
  });

  app.post(
    '/account/tokens/:id/revoke',
    { preHandler: [requireSignIn, csrfGuard] },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      try {
        await services.apiTokens.revoke(request.actor, request.params.id, clientMeta(request));
      } catch (e) {
        if (e instanceof NotFoundError) return show(request, reply, { message: e.message }, 404);
        throw e;
      }
      return reply.redirect('/account/tokens', 303);
    },
  );
}
