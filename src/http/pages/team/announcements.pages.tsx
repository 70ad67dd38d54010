// Team pages of the announcement lists: a project's subscribers (counts, the list, removal) for
// maintainers, and an advisory's announcement mail as subscribers will get it, for the team.
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf } from '../components/form.tsx';
import { When } from '../components/case-bits.tsx';
import type { SubscriberItem, PublicList } from '../../../services/announcements/subscription.service.ts';
import type { AnnouncementPreview } from '../../../services/announcements/announcement.service.ts';

export interface SubscriberPageData {
  list: PublicList;
  counts: { pending: number; confirmed: number; unsubscribed: number };
  items: SubscriberItem[];
  total: number;
  page: number;
  pageSize: number;
  status: string | undefined;
}

const STATUS_FILTERS = [
  ['', 'All'],
  ['confirmed', 'Confirmed'],
  ['pending', 'Waiting for confirmation'],
  ['unsubscribed', 'Unsubscribed'],
] as const;

export function SubscribersPage(props: {
  ctx: PageContext;
  slug: string;
  projectName: string;
  data: SubscriberPageData;
}) {
  const { data, slug } = props;
  const base = `/p/${encodeURIComponent(slug)}/settings/announcements`;
  const link = (status: string | undefined, page: number) => {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (page > 1) q.set('page', String(page));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  };
  const first = (data.page - 1) * data.pageSize;
  return (
    <Layout ctx={props.ctx} title={`${props.projectName} announcement list`}>
      <p class="eyebrow">
        <a href={`/p/${encodeURIComponent(slug)}/settings`}>{props.projectName} settings</a> · announcements
      </p>
      <h1>Announcement list</h1>
      <p>
        Everyone confirmed here gets an e-mail when an advisory of this project is first published (revisions
        are not announced), signed with the project’s OpenPGP key when it has one. People subscribe at{' '}
        <a href={`/p/${encodeURIComponent(slug)}/subscribe`}>the public form</a> and confirm by mail.
      </p>
      <dl class="facts">
        <dt>Confirmed</dt>
        <dd>{data.counts.confirmed}</dd>
        <dt>Waiting for confirmation</dt>
        <dd>{data.counts.pending}</dd>
        <dt>Unsubscribed</dt>
        <dd>{data.counts.unsubscribed}</dd>
      </dl>
      <nav class="subnav" aria-label="Filter by status">
        {STATUS_FILTERS.map(([value, label], i) => (
          <>
            {i ? ' · ' : ''}
            {(data.status ?? '') === value ? <strong>{label}</strong> : <a href={link(value, 1)}>{label}</a>}
          </>
        ))}
      </nav>
      {data.items.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span class="skip">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.email}</td>
                  <td>
                    <span class="badge">{s.status}</span>
                  </td>
                  <td>
                    <When at={s.unsubscribedAt ?? s.confirmedAt ?? s.createdAt} />
                  </td>
                  <td>
                    <form method="post" action={`${base}/${s.id}/remove`} class="inline">
                      <Csrf token={props.ctx.csrf} />
                      <button type="submit" class="link">
                        Remove
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">Nobody here yet.</p>
      )}
      <p class="muted">
        {data.total ? `Showing ${first + 1}–${first + data.items.length} of ${data.total}.` : null}
      </p>
      <nav class="pager" aria-label="Pages">
        {data.page > 1 ? <a href={link(data.status, data.page - 1)}>← Previous</a> : <span />}
        {first + data.items.length < data.total ? (
          <a href={link(data.status, data.page + 1)}>Next →</a>
        ) : (
          <span />
        )}
      </nav>
    </Layout>
  );
}

export function AnnouncementPreviewPage(props: { ctx: PageContext; preview: AnnouncementPreview }) {
  const p = props.preview;
  return (
    <Layout ctx={props.ctx} title={`Announcement: ${p.title}`} wide>
      <p class="eyebrow">
        <a href={`/team/advisories/${p.advisoryUid}`}>{p.id}</a> · announcement preview
      </p>
      <h1>Announcement mail</h1>
      {p.published ? (
        <p class="alert success" role="status">
          {p.announced > 0
            ? `Announced at publication: ${p.announced} mail${p.announced === 1 ? '' : 's'} queued.`
            : 'Published while nobody was subscribed, so no announcement went out.'}{' '}
          Revisions are not announced again.
        </p>
      ) : (
        <p>
          On first publication this goes to <strong>{p.recipients}</strong> confirmed address
          {p.recipients === 1 ? '' : 'es'} (each once) on these lists: {p.lists.map((l) => l.name).join('; ')}
          .
        </p>
      )}
      {p.signed ? (
        <p class="alert success">Signed with the project’s OpenPGP key (cleartext signature).</p>
      ) : (
        <p class="alert warn">
          Not signed: this project has no OpenPGP key, so the announcement is sent unsigned. Add a key in the
          project settings to sign it.
        </p>
      )}
      {p.placeholderId ? (
        <p class="hint">The id {p.id} is a stand-in: the real one is assigned at publication.</p>
      ) : null}
      <section class="card">
        <h2>Headers</h2>
        <dl class="facts">
          <dt>Subject</dt>
          <dd>{p.subject}</dd>
          {Object.entries(p.headers).map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>
                <code>{v}</code>
              </dd>
            </>
          ))}
        </dl>
      </section>
      <section class="card">
        <h2>Text</h2>
        <pre class="copyable">{p.text + p.footer}</pre>
        <p class="hint">
          The footer after the {p.signed ? 'signature' : 'text'} differs per subscriber (address and
          unsubscribe link) and is not signed.
        </p>
      </section>
    </Layout>
  );
}
