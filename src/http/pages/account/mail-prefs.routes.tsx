// The signed-in member's mail preferences: one checkbox per kind of notice (no JavaScript needed).
import type { FastifyInstance } from 'fastify';
import { MAIL_PREF_KEYS, MAIL_PREF_LABELS, type MailPrefs } from '../../../domain/mail-prefs.ts';
import { sendPage, pageContext, type PageContext } from '../render.ts';
import { Csrf, formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { Layout } from '../components/layout.tsx';
import { requireSignIn } from '../team/guard.ts';

function MailPrefsPage(props: {
  ctx: PageContext;
  prefs: MailPrefs;
  saved: boolean;
  mailConfigured: boolean;
}) {
  return (
    <Layout ctx={props.ctx} title="Mail preferences">
      <h1>Mail preferences</h1>
      {props.saved ? <p class="notice">Saved.</p> : null}
      {props.mailConfigured ? null : (
        <p class="muted">Mail is not configured on this instance yet; your choices apply once it is.</p>
      )}
      <p>
        Every notice also appears under <a href="/notifications">Notifications</a>. Choose which ones come by
        e-mail too. Mail names the case and links to it; it carries vulnerability details only where the
        project's policy allows it.
      </p>
      <form method="post" action="/account/mail">
        <Csrf token={props.ctx.csrf} />
        <fieldset>
          <legend>E-mail me when</legend>
          {MAIL_PREF_KEYS.map((k) => (
            <label class="check">
              <input type="checkbox" name={k} checked={props.prefs[k]} /> {MAIL_PREF_LABELS[k]}
            </label>
          ))}
        </fieldset>
        <button type="submit">Save</button>
      </form>
    </Layout>
  );
}

export async function mailPrefsPages(app: FastifyInstance) {
  const { services, config } = app.parley;
  app.get<{ Querystring: { saved?: string } }>(
    '/account/mail',
    { preHandler: requireSignIn },
    async (request, reply) => {
      const prefs = await services.mailPrefs.get(request.actor);
      return sendPage(
        reply,
        <MailPrefsPage
          ctx={pageContext(request, reply)}
          prefs={prefs}
          saved={request.query.saved === '1'}
          mailConfigured={Boolean(config.smtpUrl)}
        />,
      );
    },
  );
  app.post('/account/mail', { preHandler: [requireSignIn, csrfGuard] }, async (request, reply) => {
    await services.mailPrefs.set(request.actor, formValues(request.body));
    return reply.redirect('/account/mail?saved=1', 303);
  });
}
