// The team inbox: cases of the user's projects, filterable by project and state; by default the case
// whose deadline is nearest comes first, so nothing due slips by unseen.
import { CASE_STATES } from '../../../domain/case-state.ts';
import type { CaseSummary } from '../../../services/presenters/case.presenter.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { SeverityBadge, StateBadge, When, stateLabel } from '../components/case-bits.tsx';
import { ClockStatus } from '../components/deadlines.tsx';
import { BulkCell, BulkCloseForm, BulkHeading, SpamMarker } from './inbox-bulk.tsx';
import { SharedCases } from './shared-cases.tsx';
import type { SharedCase } from '../../../services/coordination/collaborator.service.ts';

export interface InboxFilter {
  project: string;
  state: string;
  order: 'deadline' | 'newest' | 'oldest';
  page: number;
}

export const INBOX_PAGE_SIZE = 50;

function link(f: InboxFilter, page: number) {
  const q = new URLSearchParams({ project: f.project, state: f.state, order: f.order, page: String(page) });
  return `/inbox?${q}`;
}

export function InboxPage(props: {
  ctx: PageContext;
  filter: InboxFilter;
  projects: Array<{ slug: string; name: string; role: string }>;
  items: CaseSummary[];
  total: number;
  /** The total was counted up to a cap: there are more. */
  totalIsLowerBound?: boolean;
  isAdmin: boolean;
  shared?: SharedCase[];
  /** Cases whose reporter has spam history (triage.service.ts spamMarkers). */
  spamReporters?: Set<string>;
}) {
  const { filter: f, items, total } = props;
  const first = (f.page - 1) * INBOX_PAGE_SIZE;
  return (
    <Layout ctx={props.ctx} title="Inbox" wide>
      <h1>Inbox</h1>
      <SharedCases cases={props.shared ?? []} />
      {props.projects.length === 0 && !props.shared?.length ? (
        <div class="alert warn">
          You are not on any project’s team yet.{' '}
          {props.isAdmin ? <a href="/projects/new">Create a project</a> : 'Ask a maintainer to add you.'}
        </div>
      ) : null}
      <form method="get" action="/inbox" class="filters card">
        <label>
          Project
          <select name="project">
            <option value="">All my projects</option>
            {props.projects.map((p) => (
              <option key={p.slug} value={p.slug} selected={f.project === p.slug}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          State
          <select name="state">
            <option value="open" selected={f.state === 'open'}>
              Open
            </option>
            <option value="" selected={f.state === ''}>
              All
            </option>
            {CASE_STATES.map((s) => (
              <option key={s} value={s} selected={f.state === s}>
                {stateLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select name="order">
            <option value="deadline" selected={f.order === 'deadline'}>
              Nearest deadline first
            </option>
            <option value="newest" selected={f.order === 'newest'}>
              Newest first
            </option>
            <option value="oldest" selected={f.order === 'oldest'}>
              Oldest first
            </option>
          </select>
        </label>
        <button type="submit" class="secondary">
          Filter
        </button>
        {props.isAdmin ? (
          <>
            <a href="/projects/new" class="button secondary">
              New project
            </a>{' '}
            <a href="/admin/outbox" class="button secondary">
              Outbox
            </a>{' '}
            <a href="/admin/audit" class="button secondary">
              Audit log
            </a>
          </>
        ) : null}
      </form>
      <p class="muted">
        {total === 0
          ? 'No cases match.'
          : `Showing ${first + 1}–${first + items.length} of ${total.toLocaleString('en-US')}${props.totalIsLowerBound ? '+' : ''}.`}
      </p>
      {items.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <BulkHeading />
                <th scope="col">Case</th>
                <th scope="col">Title</th>
                <th scope="col">State</th>
                <th scope="col">Severity</th>
                <th scope="col">Next deadline</th>
                <th scope="col" class="opt">
                  Assignee
                </th>
                <th scope="col" class="opt">
                  Received
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <BulkCell item={c} />
                  <td class="key">
                    <a href={`/cases/${c.key}`}>{c.key}</a>
                  </td>
                  <td>
                    <a href={`/cases/${c.key}`}>{c.title}</a>
                    <SpamMarker show={!!props.spamReporters?.has(c.id)} />
                    <div class="hint">{c.project.name}</div>
                  </td>
                  <td>
                    <StateBadge state={c.state} resolution={c.resolution} />{' '}
                    {c.needsInfo ? <span class="badge needs-info">Needs info</span> : null}
                  </td>
                  <td>
                    <SeverityBadge severity={c.severity} />
                    {c.versionStatus === 'unsupported' ? (
                      <span class="badge warn" title="The affected version is not supported">
                        Unsupported version
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {c.deadline ? (
                      <>
                        {c.deadline.label} <When at={c.deadline.dueAt} />{' '}
                        <ClockStatus status={c.deadline.status} paused={c.deadline.paused} />
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td class="opt">{c.assignee?.name ?? '—'}</td>
                  <td class="opt">
                    <When at={c.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <BulkCloseForm csrf={props.ctx.csrf} items={items} />
      <nav class="pager" aria-label="Pages">
        {f.page > 1 ? <a href={link(f, f.page - 1)}>← Previous</a> : <span />}
        {first + items.length < total || (props.totalIsLowerBound && items.length === INBOX_PAGE_SIZE) ? (
          <a href={link(f, f.page + 1)}>Next →</a>
        ) : (
          <span />
        )}
      </nav>
    </Layout>
  );
}
