// The instance admin's audit log page: a GET filter form (works without JavaScript), the matching
// entries newest first, and links to older and newer pages by entry id, keeping the filters.
import type { FieldError } from '../../../domain/errors.ts';
import type { AuditHead, AuditListing } from '../../../services/audit/audit.service.ts';
import type { AuditFilterValues } from '../../../services/audit/audit-filters.ts';
import { AUDIT_ACTION_NAMES, AUDIT_GROUPS } from '../../../services/audit/audit-filters.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { ErrorSummary, errorFor } from '../components/form.tsx';
import { When } from '../components/case-bits.tsx';

function link(f: AuditFilterValues, cursor: Record<string, number>) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  for (const [k, v] of Object.entries(cursor)) q.set(k, String(v));
  const s = q.toString();
  return s ? `/admin/audit?${s}` : '/admin/audit';
}

function Filter(props: {
  name: keyof AuditFilterValues;
  label: string;
  f: AuditFilterValues;
  errors?: FieldError[] | undefined;
  type?: string;
  list?: string;
  placeholder?: string;
}) {
  const error = errorFor(props.errors, props.name);
  return (
    <label>
      {props.label}
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.f[props.name]}
        list={props.list}
        placeholder={props.placeholder}
        aria-invalid={error ? 'true' : undefined}
      />
    </label>
  );
}

function Data(props: { data: unknown }) {
  const d = props.data;
  if (d === null || d === undefined) return null;
  if (typeof d !== 'object') return <code>{String(d)}</code>;
  const entries = Object.entries(d as Record<string, unknown>);
  if (!entries.length) return null;
  return (
    <code>
      {entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('; ')}
    </code>
  );
}

export function AuditPage(props: {
  ctx: PageContext;
  filters: AuditFilterValues;
  listing?: AuditListing | undefined;
  head: AuditHead | null;
  errors?: FieldError[] | undefined;
  paged: boolean;
}) {
  const { filters: f, listing } = props;
  return (
    <Layout ctx={props.ctx} title="Audit log" wide>
      <h1>Audit log</h1>
      <p class="muted">
        Security-relevant actions, newest first. Every entry is chained to the one before it by its hash;{' '}
        <code>parley audit verify</code> checks the chain.{' '}
        {props.head ? (
          <>
            The head (newest entry) is{' '}
            <code id="audit-head">
              {props.head.id}:{props.head.hash}
            </code>
            : keep a copy outside this server; <code>parley audit verify --expect</code> with it later shows
            whether entries were removed or rewritten since.
          </>
        ) : (
          'Nothing has been recorded yet.'
        )}
      </p>
      <ErrorSummary
        errors={props.errors}
        message={props.errors ? 'Some filters are not valid.' : undefined}
      />
      <form method="get" action="/admin/audit" class="filters card">
        <Filter
          name="action"
          label="Action or group"
          f={f}
          errors={props.errors}
          list="audit-actions"
          placeholder="case.*"
        />
        <datalist id="audit-actions">
          {[...AUDIT_GROUPS, ...AUDIT_ACTION_NAMES].map((a) => (
            <option value={a} />
          ))}
        </datalist>
        <Filter name="actor" label="Actor e-mail" f={f} errors={props.errors} type="email" />
        <Filter name="project" label="Project slug" f={f} errors={props.errors} />
        <Filter name="case" label="Case key" f={f} errors={props.errors} placeholder="CONURE-12" />
        <Filter name="from" label="From (UTC)" f={f} errors={props.errors} type="date" />
        <Filter name="to" label="To (UTC, inclusive)" f={f} errors={props.errors} type="date" />
        <button type="submit" class="secondary">
          Filter
        </button>
        <a href="/admin/audit" class="button secondary">
          Clear
        </a>
      </form>
      {listing ? (
        listing.items.length ? (
          <div class="table-wrap">
            <table id="audit-entries">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col" class="opt">
                    IP
                  </th>
                  <th scope="col">Project</th>
                  <th scope="col">Case</th>
                  <th scope="col">Target</th>
                  <th scope="col" class="opt">
                    Data
                  </th>
                </tr>
              </thead>
              <tbody>
                {listing.items.map((e) => (
                  <tr id={`a-${e.id}`}>
                    <td>{e.id}</td>
                    <td>
                      <When at={e.at} />
                    </td>
                    <td>{e.action}</td>
                    <td>{e.actor.label ?? e.actor.kind}</td>
                    <td class="opt">{e.ip}</td>
                    <td>{e.project ? (e.project.slug ?? e.project.id) : null}</td>
                    <td>
                      {e.case ? (
                        e.case.key ? (
                          <a href={`/cases/${encodeURIComponent(e.case.key)}`}>{e.case.key}</a>
                        ) : (
                          e.case.id
                        )
                      ) : null}
                    </td>
                    <td>{e.target}</td>
                    <td class="opt">
                      <Data data={e.data} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">No entries match{props.paged ? ' on this page' : ''}.</p>
        )
      ) : null}
      {listing ? (
        <nav class="pager" aria-label="Pages">
          {listing.newer !== null ? (
            <a href={link(f, { after: listing.newer })}>← Newer</a>
          ) : props.paged ? (
            <a href={link(f, {})}>← Newest</a>
          ) : (
            <span />
          )}
          {listing.older !== null ? <a href={link(f, { before: listing.older })}>Older →</a> : <span />}
        </nav>
      ) : null}
    </Layout>
  );
}
