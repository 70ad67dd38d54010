// A webhook's delivery log: each call's time, event, status, attempts and last answer, with a
// "Redeliver" form per row and newer/older paging.
import type { WebhookDelivery } from '../../../services/webhooks/webhook.service.ts';
import type { PageContext } from '../render.ts';
import { When } from '../components/case-bits.tsx';
import { Csrf } from '../components/form.tsx';

export const DELIVERIES_PER_PAGE = 20;

export function DeliveryLog(props: {
  ctx: PageContext;
  base: string;
  items: WebhookDelivery[];
  total: number;
  page: number;
}) {
  const { base, items, total, page } = props;
  if (!items.length) return <p>No deliveries yet.</p>;
  const first = (page - 1) * DELIVERIES_PER_PAGE;
  return (
    <>
      <div class="table-wrap">
        <table class="deliveries">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last response</th>
              <th scope="col">Next attempt</th>
              <th scope="col">
                <span class="skip">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} id={`delivery-${d.id}`}>
                <td>
                  <When at={d.createdAt} />
                </td>
                <td>
                  <code>{d.event}</code>
                </td>
                <td>
                  <span class={`badge delivery-${d.status}`}>{d.status}</span>
                </td>
                <td>{d.attempts}</td>
                <td>
                  <code>{d.lastResponse ?? d.lastError ?? '—'}</code>
                </td>
                <td>{d.nextAttemptAt ? <When at={d.nextAttemptAt} /> : '—'}</td>
                <td>
                  <form method="post" action={`${base}/deliveries/${d.id}/redeliver`} class="inline">
                    <Csrf token={props.ctx.csrf} />
                    <button type="submit" class="link">
                      Redeliver
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Delivery pages">
        {page > 1 ? <a href={`${base}?page=${page - 1}`}>← Newer</a> : <span />}
        {first + items.length < total ? <a href={`${base}?page=${page + 1}`}>Older →</a> : <span />}
      </nav>
    </>
  );
}
