// The admin's outbox page: is mail configured, what is queued, what was given up (dead letters),
// with a retry button for each and for all. Forms work without JavaScript.
import type { FastifyInstance } from 'fastify';
import type { OutboxOverview } from '../../../services/outbox/outbox-admin.service.ts';
import { sendPage, pageContext, type PageContext } from '../render.ts';
import { Csrf, formValues } from '../components/form.tsx';
import { csrfGuard } from '../csrf.ts';
import { Layout } from '../components/layout.tsx';
import { When } from '../components/case-bits.tsx';
import { requireSignIn } from './guard.ts';

function OutboxPage(props: { ctx: PageContext; o: OutboxOverview; notice?: string }) {
  const { o } = props;
  return (
    <Layout ctx={props.ctx} title="Outbox">
      <h1>Outbox</h1>
      {props.notice ? <p class="notice">{props.notice}</p> : null}
      {o.mailConfigured ? (
        <p>Mail goes out through the configured SMTP server.</p>
      ) : (
        <p class="warning" id="mail-not-configured">
          Mail is not configured (PARLEY_SMTP_URL is unset): {o.pendingMail} e-mail
          {o.pendingMail === 1 ? ' is' : 's are'} queued and will be sent once it is set and Parley restarted.
          Nothing is lost meanwhile.
        </p>
      )}
      <h2>Queue</h2>
      {o.counts.length ? (
        <table>
          <thead>
            <tr>
              <th>Channel</th>
              <th>Status</th>
              <th>Count</th>
              <th>Oldest</th>
            </tr>
          </thead>
          <tbody>
            {o.counts.map((c) => (
              <tr>
                <td>{c.channel}</td>
                <td>{c.status === 'failed' ? 'dead letter' : c.status}</td>
                <td>{c.count}</td>
                <td>
                  <When at={c.oldest} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nothing has been queued yet.</p>
      )}
      <h2>Dead letters</h2>
      {o.deadLetters.length ? (
        <>
          <form method="post" action="/admin/outbox/retry-all" class="inline">
            <Csrf token={props.ctx.csrf} />
            <button type="submit">Retry all</button>
          </form>
          <table id="dead-letters">
            <thead>
              <tr>
                <th>Queued</th>
                <th>Channel</th>
                <th>To</th>
                <th>What</th>
                <th>Attempts</th>
                <th>Last error</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {o.deadLetters.map((r) => (
                <tr id={`d-${r.id}`}>
                  <td>
                    <When at={r.createdAt} />
                  </td>
                  <td>{r.channel}</td>
                  <td>{r.recipient}</td>
                  <td>
                    {r.kind}: {r.subject}
                  </td>
                  <td>{r.attempts}</td>
                  <td>
                    <code>{r.lastError}</code>
                  </td>
                  <td>
                    <form method="post" action="/admin/outbox/retry" class="inline">
                      <Csrf token={props.ctx.csrf} />
                      <input type="hidden" name="id" value={r.id} />
                      <button type="submit" class="secondary">
                        Retry
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p>No dead letters: every delivery so far succeeded or is still being retried.</p>
      )}
    </Layout>
  );
}

export async function outboxPages(app: FastifyInstance) {
  const { services } = app.parley;
  app.get<{ Querystring: { done?: string } }>(
    '/admin/outbox',
    { preHandler: requireSignIn },
    async (request, reply) => {
      const o = await services.outbox.overview(request.actor);
      const done = request.query.done;
      const notice =
        done && /^\d+$/.test(done) ? `${done} deliver${done === '1' ? 'y' : 'ies'} queued again.` : undefined;
      return sendPage(reply, <OutboxPage ctx={pageContext(request, reply)} o={o} notice={notice} />);
    },
  );
  app.post('/admin/outbox/retry', { preHandler: [requireSignIn, csrfGuard] }, async (request, reply) => {
    await services.outbox.retry(request.actor, formValues(request.body).id);
    return reply.redirect('/admin/outbox?done=1', 303);
  });
  app.post('/admin/outbox/retry-all', { preHandler: [requireSignIn, csrfGuard] }, async (request, reply) => {
    const n = await services.outbox.retryAll(request.actor);
    return reply.redirect(`/admin/outbox?done=${n}`, 303);
  });
}
