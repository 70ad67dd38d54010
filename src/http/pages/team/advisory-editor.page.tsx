// The team's advisory page: edit the content (every save is a revision), publish now or schedule
// for a date and time in a time zone (the embargo), lift a schedule, withdraw, preview the OSV, CSAF
// and CVE documents, and read the revision history. Plain forms; nothing needs JavaScript.
import type { PageContext } from '../render.ts';
import type { FieldError } from '../../../domain/errors.ts';
import { SEVERITIES } from '../../../domain/case-state.ts';
import type { TeamAdvisoryView } from '../../../services/presenters/advisory.presenter.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, TextField, type Values } from '../components/form.tsx';
import { SeverityBadge, When } from '../components/case-bits.tsx';
import { AFFECTED_EXAMPLE } from './advisory-form.ts';

export interface RevisionItem {
  revision: number;
  note: string;
  createdAt: string;
  createdBy: string | null;
  publicNumber: number | null;
}

function StatePanel(props: { view: TeamAdvisoryView; csrf: string; zone: string }) {
  const { view } = props;
  const base = `/team/advisories/${view.uid}`;
  if (!view.canPublish) {
    return <p class="muted">Only maintainers publish, schedule and withdraw advisories.</p>;
  }
  if (view.state === 'withdrawn') {
    return (
      <p>
        Withdrawn {view.withdrawnAt ? <When at={view.withdrawnAt} /> : null}: {view.withdrawnReason}
      </p>
    );
  }
  if (view.state === 'published') {
    return (
      <form method="post" action={`${base}/withdraw`}>
        <Csrf token={props.csrf} />
        <TextArea name="reason" label="Reason for withdrawing" rows={3} required maxLength={2000} />
        <button type="submit" class="danger">
          Withdraw
        </button>
      </form>
    );
  }
  const blocked = view.publishProblems.length > 0;
  return (
    <>
      {blocked ? (
        <div class="alert">
          <strong>Before it can be published:</strong>
          <ul>
            {view.publishProblems.map((p) => (
              <li>{p.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.state === 'scheduled' && view.scheduledFor ? (
        <form method="post" action={`${base}/unschedule`}>
          <Csrf token={props.csrf} />
          <p>
            Under embargo until <When at={view.scheduledFor} /> ({view.scheduledZone}). Nothing of it is
            public before then; the publish job releases it on time, also after a restart.
          </p>
          <button type="submit">Lift the schedule</button>
        </form>
      ) : null}
      <form method="post" action={`${base}/publish`}>
        <Csrf token={props.csrf} />
        <button type="submit" disabled={blocked}>
          Publish now
        </button>
      </form>
      <form method="post" action={`${base}/schedule`}>
        <Csrf token={props.csrf} />
        <div>
          <label for="at">Publish at (local date and time)</label>
          <input id="at" name="at" type="datetime-local" required />
        </div>
        <TextField
          name="zone"
          label="Time zone"
          values={{ zone: view.scheduledZone ?? props.zone }}
          required
          maxLength={64}
          hint="IANA name, e.g. Europe/Berlin or UTC"
        />
        <button type="submit" disabled={blocked}>
          {view.state === 'scheduled' ? 'Reschedule' : 'Schedule'}
        </button>
      </form>
    </>
  );
}

export function AdvisoryEditorPage(props: {
  ctx: PageContext;
  view: TeamAdvisoryView;
  values: Values;
  revisions: RevisionItem[];
  error?: { message: string; errors?: FieldError[] | undefined };
  saved?: boolean;
  zone: string;
}) {
  const { view, values, ctx } = props;
  const base = `/team/advisories/${view.uid}`;
  const errors = props.error?.errors;
  const editable = view.state !== 'withdrawn';
  return (
    <Layout ctx={ctx} title={`Advisory: ${view.content.title}`} wide>
      <p class="eyebrow">
        <a href={`/team/advisories?project=${view.project.slug}`}>{view.project.name} advisories</a> ·{' '}
        {view.id ?? 'id assigned at publication'}
      </p>
      <h1>{view.content.title}</h1>
      <p>
        <span class={`badge state-${view.state}`}>{view.state}</span>{' '}
        <SeverityBadge severity={view.content.severity} /> revision {view.revision}
        {view.id && (view.state === 'published' || view.state === 'withdrawn') ? (
          <>
            {' '}
            · <a href={`/advisories/${view.id}`}>public page</a>
          </>
        ) : null}
      </p>
      {props.saved ? (
        <p class="alert success" role="status">
          Saved as revision {view.revision}.
        </p>
      ) : null}
      {props.error ? <ErrorSummary message={props.error.message} errors={errors} /> : null}
      <div class="split">
        <div>
          <form method="post" action={base} class="card">
            <h2>Content</h2>
            <Csrf token={ctx.csrf} />
            <input type="hidden" name="baseRevision" value={String(view.revision)} />
            <TextField name="title" label="Title" values={values} errors={errors} required maxLength={200} />
            <TextArea
              name="summary"
              label="Summary (Markdown)"
              values={values}
              errors={errors}
              rows={4}
              hint="Overview shown first: what is affected and what an attacker can do."
            />
            <TextArea name="details" label="Details (Markdown)" values={values} errors={errors} rows={10} />
            <div>
              <label for="severity">Severity</label>
              <select id="severity" name="severity">
                <option value="">not set</option>
                {SEVERITIES.map((s) => (
                  <option value={s} selected={values.severity === s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <TextField
              name="cvss3Vector"
              label="CVSS 3.1 vector"
              values={values}
              errors={errors}
              maxLength={200}
            />
            <TextField
              name="cvss4Vector"
              label="CVSS 4.0 vector"
              values={values}
              errors={errors}
              maxLength={400}
            />
            <TextField
              name="cveIds"
              label="CVE ids"
              values={values}
              errors={errors}
              hint="Separated by commas or spaces"
            />
            <TextField name="aliases" label="Other ids (GHSA …)" values={values} errors={errors} />
            <TextArea
              name="cwes"
              label="CWE, one per line"
              values={values}
              errors={errors}
              rows={2}
              hint='e.g. "CWE-79 Improper Neutralization of Input During Web Page Generation"'
            />
            <TextArea
              name="affected"
              label="Affected packages (YAML)"
              values={values}
              errors={errors}
              rows={10}
              hint={`Ecosystem, name, ranges of introduced/fixed/last_affected events, or explicit versions. Example:\n${AFFECTED_EXAMPLE}`}
            />
            <TextArea
              name="workarounds"
              label="Workarounds and mitigations (Markdown)"
              values={values}
              errors={errors}
              rows={4}
            />
            <TextArea
              name="upgrade"
              label="Upgrade steps (Markdown)"
              values={values}
              errors={errors}
              rows={4}
            />
            <TextArea
              name="references"
              label="References, one per line"
              values={values}
              errors={errors}
              rows={3}
              hint='"FIX https://…", "ADVISORY https://…" or just a URL'
            />
            <TextArea
              name="credits"
              label="Credits, one per line"
              values={values}
              errors={errors}
              rows={3}
              hint='"Name (FINDER)" — types: FINDER, REPORTER, ANALYST, COORDINATOR, REMEDIATION_DEVELOPER …'
            />
            <TextField
              name="note"
              label="What changed (revision note)"
              values={values}
              errors={errors}
              maxLength={500}
            />
            <button type="submit" disabled={!editable}>
              Save revision
            </button>
          </form>
        </div>
        <aside>
          <section class="card">
            <h2>Publication</h2>
            <StatePanel view={view} csrf={ctx.csrf} zone={props.zone} />
          </section>
          <section class="card">
            <h2>Cases</h2>
            {view.cases.length ? (
              <ul>
                {view.cases.map((c) => (
                  <li>
                    <a href={`/cases/${c.key}`}>{c.key}</a> {c.title} ({c.state})
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">Not linked to a case.</p>
            )}
          </section>
          <section class="card">
            <h2>Documents</h2>
            <ul>
              <li>
                <a href={`${base}/export/osv`}>OSV</a>
              </li>
              <li>
                <a href={`${base}/export/csaf`}>CSAF 2.0</a>
              </li>
              <li>
                <a href={`${base}/announcement`}>Announcement mail</a>
              </li>
              {view.content.cveIds.length ? (
                <li>
                  <a href={`${base}/export/cve`}>CVE JSON 5</a>
                </li>
              ) : null}
            </ul>
            {view.id ? null : <p class="hint">Previews carry a placeholder id until publication.</p>}
          </section>
          <section class="card">
            <h2>Revisions</h2>
            <ol reversed>
              {props.revisions.map((r) => (
                <li>
                  <When at={r.createdAt} /> {r.createdBy ?? 'import'}: {r.note}
                  {r.publicNumber ? <span class="badge">public #{r.publicNumber}</span> : null}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </Layout>
  );
}
