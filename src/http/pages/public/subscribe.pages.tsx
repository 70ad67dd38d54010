// Public announcement-list pages: the subscribe form (also embedded in the project page and the
// advisory list), "check your inbox", the confirmation page and the unsubscribe page. Confirming and
// unsubscribing each take a button press: link scanners in mail systems open every link in a mail,
// and a GET that changed anything would let them subscribe or unsubscribe people.
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf } from '../components/form.tsx';
import type { PublicList, UnsubscribeTarget } from '../../../services/announcements/subscription.service.ts';

/**
 * The compact form: an address and a button; works without JavaScript. Without a CSRF token (a
 * cacheable public page such as /advisories has none) it is a GET to the subscribe page, which
 * shows the address again with a button that posts.
 */
export function SubscribeForm(props: {
  action: string;
  csrf: string;
  email?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <form method={props.csrf ? 'post' : 'get'} action={props.action} class="filters">
      {props.csrf ? <Csrf token={props.csrf} /> : null}
      <label>
        E-mail address
        <input
          type="email"
          name="email"
          required
          maxLength={254}
          autocomplete="email"
          value={props.email ?? ''}
          aria-invalid={props.error ? 'true' : undefined}
        />
      </label>
      <button type="submit">Subscribe</button>
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </form>
  );
}

export function subscribePath(list: { slug: string | null }): string {
  return list.slug ? `/p/${encodeURIComponent(list.slug)}/subscribe` : '/subscribe';
}

export function SubscribePage(props: {
  ctx: PageContext;
  list: PublicList;
  email?: string | undefined;
  error?: string | undefined;
  message?: string | undefined;
}) {
  return (
    <Layout ctx={props.ctx} title={`Subscribe: ${props.list.name}`}>
      <section class="card narrow">
        <p class="eyebrow">Announcement list</p>
        <h1>{props.list.name}</h1>
        <p>
          Get an e-mail when a security advisory is published
          {props.list.slug ? '' : ' by any project on this site'}. No account needed: we send a link to
          confirm the address first, and every announcement has a one-click unsubscribe link.
        </p>
        {props.message ? (
          <p class="alert error" role="alert">
            {props.message}
          </p>
        ) : null}
        <SubscribeForm
          action={subscribePath(props.list)}
          csrf={props.ctx.csrf}
          email={props.email}
          error={props.error}
        />
      </section>
    </Layout>
  );
}

export function SubscribeSentPage(props: { ctx: PageContext }) {
  return (
    <Layout ctx={props.ctx} title="Check your inbox">
      <section class="card narrow" role="status">
        <h1>Check your inbox</h1>
        <p>
          If the address can receive mail, a message is on its way. To start receiving announcements, open the
          link in it within 7 days and confirm.
        </p>
        <p class="muted">Nothing arrived? Look in the spam folder, or subscribe again for a new link.</p>
      </section>
    </Layout>
  );
}

export function ConfirmPage(props: {
  ctx: PageContext;
  token: string;
  done?: { list: PublicList; email: string } | undefined;
  message?: string | undefined;
}) {
  const { done } = props;
  return (
    <Layout ctx={props.ctx} title={done ? 'Subscribed' : 'Confirm your subscription'}>
      <section class="card narrow">
        {done ? (
          <div role="status">
            <h1>Subscribed</h1>
            <p>
              {done.email} now receives {done.list.name}. Each announcement has a link to unsubscribe.
            </p>
            <p>
              <a href={done.list.slug ? `/p/${encodeURIComponent(done.list.slug)}` : '/advisories'}>
                {done.list.slug ? 'Back to the project' : 'Advisories'}
              </a>
            </p>
          </div>
        ) : (
          <>
            <h1>Confirm your subscription</h1>
            {props.message ? (
              <p class="alert error" role="alert">
                {props.message}
              </p>
            ) : null}
            <form method="post" action="/subscribe/confirm">
              <Csrf token={props.ctx.csrf} />
              <input type="hidden" name="token" value={props.token} />
              <button type="submit">Confirm subscription</button>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}

export function UnsubscribePage(props: {
  ctx: PageContext;
  target: UnsubscribeTarget;
  action: string;
  done?: boolean;
}) {
  const { target } = props;
  const title = props.done ? 'Unsubscribed' : target.subscribed ? 'Unsubscribe' : 'Not subscribed';
  return (
    <Layout ctx={props.ctx} title={title}>
      <section class="card narrow">
        <h1>{title}</h1>
        {props.done ? (
          <p role="status">
            {target.email ? `${target.email} no longer receives ${target.list?.name}.` : 'Done.'} You can
            subscribe again at any time.
          </p>
        ) : target.subscribed ? (
          <>
            <p>
              Stop sending {target.list?.name} to {target.email}?
            </p>
            {/* The RFC 8058 one-click request, the same a mail program sends: the signed link is the
                only credential, so no CSRF token (see subscribe.routes.tsx). */}
            <form method="post" action={props.action}>
              <input type="hidden" name="List-Unsubscribe" value="One-Click" />
              <button type="submit">Unsubscribe</button>
            </form>
          </>
        ) : (
          <p>This address is not subscribed to this list (any more). Nothing more will be sent to it.</p>
        )}
      </section>
    </Layout>
  );
}
