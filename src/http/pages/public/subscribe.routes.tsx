// Public announcement-list routes: subscribe (a project's list at /p/{slug}/subscribe, the
// instance-wide one at /subscribe), confirm, and unsubscribe — including the RFC 8058 one-click POST
// that mail programs send.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../../domain/errors.ts';
import { sendPage, pageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfValid, CSRF_RETRY } from '../csrf.ts';
import { intakeRateLimit } from '../../plugins/rate-limits.ts';
import { INSTANCE_LIST } from '../../../services/announcements/list-links.ts';
import { ConfirmPage, SubscribePage, SubscribeSentPage, UnsubscribePage } from './subscribe.pages.tsx';
import { multipartFields } from './multipart-fields.ts';

type SlugReq = FastifyRequest<{ Params: { slug: string } }>;
type LinkReq = FastifyRequest<{ Querystring: { s?: string; t?: string } }>;
type TokenReq = FastifyRequest<{ Querystring: { token?: string } }>;

export async function subscribePages(app: FastifyInstance) {
  const { services, config } = app.parley;
  const lists = services.announcements;

  /** The form; `?email=` (from a page that cannot post, see SubscribeForm) fills in the address. */
  const showForm = async (request: FastifyRequest, reply: FastifyReply, ref: string) => {
    const email = (request.query as Record<string, unknown>).email;
    return sendPage(
      reply,
      <SubscribePage
        ctx={pageContext(request, reply)}
        list={await lists.publicList(ref)}
        email={typeof email === 'string' ? email.slice(0, 254) : undefined}
      />,
    );
  };

  /** The same answer whether or not the address was on the list already: only its mailbox learns. */
  const subscribe = async (request: FastifyRequest, reply: FastifyReply, ref: string) => {
    const list = await lists.publicList(ref);
    const { email } = formValues(request.body);
    const again = (status: number, extra: { error?: string; message?: string }) =>
      sendPage(
        reply,
        <SubscribePage ctx={pageContext(request, reply)} list={list} email={email} {...extra} />,
        status,
      );
    if (!csrfValid(request, reply)) return again(403, { message: CSRF_RETRY });
    try {
      await lists.subscribe(ref, email);
    } catch (e) {
      if (e instanceof ValidationError) return again(422, { error: e.errors[0]?.message ?? e.message });
      throw e;
    }
    return reply.redirect('/subscribe/sent', 303);
  };

  const limited = { config: { rateLimit: intakeRateLimit(config) } };
  app.get('/subscribe', async (request, reply) => showForm(request, reply, INSTANCE_LIST));
  app.post('/subscribe', limited, async (request, reply) => subscribe(request, reply, INSTANCE_LIST));
  app.get('/p/:slug/subscribe', async (request: SlugReq, reply) =>
    showForm(request, reply, request.params.slug),
  );
  app.post('/p/:slug/subscribe', limited, async (request: SlugReq, reply) =>
    subscribe(request, reply, request.params.slug),
  );
  app.get('/subscribe/sent', async (request, reply) =>
    sendPage(reply, <SubscribeSentPage ctx={pageContext(request, reply)} />),
  );

  // The link in the mail only shows a button: mail systems' link scanners open links, and must not
  // be able to subscribe someone by doing so.
  app.get('/subscribe/confirm', async (request: TokenReq, reply) =>
    sendPage(reply, <ConfirmPage ctx={pageContext(request, reply)} token={request.query.token ?? ''} />),
  );
  app.post('/subscribe/confirm', async (request, reply) => {
    const { token } = formValues(request.body);
    if (!csrfValid(request, reply)) {
      return sendPage(
        reply,
        <ConfirmPage ctx={pageContext(request, reply)} token={token ?? ''} message={CSRF_RETRY} />,
        403,
      );
    }
    const done = await lists.confirm(token);
    return sendPage(reply, <ConfirmPage ctx={pageContext(request, reply)} token="" done={done} />);
  });

  const unsubscribeAction = (q: LinkReq['query']) =>
    `/unsubscribe?s=${encodeURIComponent(q.s ?? '')}&t=${encodeURIComponent(q.t ?? '')}`;

  // A GET never unsubscribes (link scanners prefetch): it shows the button that sends the POST below.
  app.get('/unsubscribe', async (request: LinkReq, reply) => {
    const target = await lists.unsubscribeTarget(request.query.s, request.query.t);
    return sendPage(
      reply,
      <UnsubscribePage
        ctx={pageContext(request, reply)}
        target={target}
        action={unsubscribeAction(request.query)}
      />,
    );
  });

  // RFC 8058 one-click unsubscription. Mail providers POST `List-Unsubscribe=One-Click` to the URI
  // of the List-Unsubscribe header without cookies or any page visited first (§3.1 forbids sending
  // them), so this route has no CSRF check: the HMAC in the URI is the credential, and forging a
  // request only unsubscribes someone whose link the forger already holds. RFC 8058 prefers
  // multipart/form-data bodies; no multipart library is installed, so this scope reads the few
  // small text fields itself (multipart-fields.ts). Urlencoded bodies use the app's parser.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (request, body, done) => done(null, multipartFields(String(body), request.headers['content-type'])),
    );
    scope.post('/unsubscribe', async (request: LinkReq, reply) => {
      if (formValues(request.body)['List-Unsubscribe'] !== 'One-Click') {
        throw new ValidationError(
          [{ field: 'List-Unsubscribe', message: 'Send List-Unsubscribe=One-Click.' }],
          'This is not a one-click unsubscribe request (RFC 8058): the body must be List-Unsubscribe=One-Click.',
        );
      }
      const target = await lists.unsubscribe(request.query.s, request.query.t);
      return sendPage(
        reply,
        <UnsubscribePage
          ctx={pageContext(request, reply)}
          target={target}
          action={unsubscribeAction(request.query)}
          done
        />,
      );
    });
  });
}
