// The signed-in user's notices: deadline reminders and daily digests, newest first, with
// "mark read" forms (no JavaScript needed).
import type { FastifyInstance } from 'fastify';
import type { NotificationView } from '../../../services/notification.service.ts';
import { sendPage, pageContext, type PageContext } from '../render.ts';
import { formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf } from '../components/form.tsx';
import { When } from '../components/case-bits.tsx';
import { requireSignIn } from './guard.ts';

function NotificationsPage(props: { ctx: PageContext; items: NotificationView[]; mailConfigured: boolean }) {
  const unread = props.items.filter((n) => !n.readAt).length;
  return (
    <Layout ctx={props.ctx} title="Notifications">
      <h1>Notifications</h1>
      <p>
        <a href="/account/mail">Mail preferences</a>
      </p>
      {props.mailConfigured ? null : (
        <p class="muted">
          Mail is not configured on this instance (PARLEY_SMTP_URL), so notices are queued for e-mail and
          shown here only.
        </p>
      )}
      {unread ? (
        <form method="post" action="/notifications/read" class="inline">
          <Csrf token={props.ctx.csrf} />
          <input type="hidden" name="all" value="true" />
          <button type="submit" class="secondary">
            Mark all {unread} read
          </button>
        </form>
      ) : null}
      {props.items.length ? (
        <ul class="notifications">
          {props.items.map((n) => (
            <li class={n.readAt ? undefined : 'unread'} id={`n-${n.id}`}>
              <a href={n.link}>{n.title}</a> <When at={n.createdAt} />
              <div class="prose">{n.body}</div>
              {n.readAt ? null : (
                <form method="post" action="/notifications/read" class="inline">
                  <Csrf token={props.ctx.csrf} />
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" class="link">
                    Mark read
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing yet. Deadline reminders and the daily digest appear here.</p>
      )}
    </Layout>
  );
}

export async function notificationPages(app: FastifyInstance) {
  const { services, config } = app.parley;
  app.get('/notifications', { preHandler: requireSignIn }, async (request, reply) => {
    const items = await services.notifications.listNotifications(request.actor, { limit: 100 });
    return sendPage(
      reply,
      <NotificationsPage
        ctx={pageContext(request, reply)}
        items={items}
        mailConfigured={Boolean(config.smtpUrl)}
      />,
    );
  });
  app.post('/notifications/read', { preHandler: [requireSignIn, csrfGuard] }, async (request, reply) => {
    const v = formValues(request.body);
    await services.notifications.markRead(request.actor, v.all === 'true' ? 'all' : [v.id ?? '']);
    return reply.redirect('/notifications', 303);
  });
}
