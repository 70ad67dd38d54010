// The reporter's private case page at /c/{token}: status, the report as sent, the shared timeline
// and a reply form. Only what the presenter's reporter view holds can appear here.
import type { FieldError } from '../../../domain/errors.ts';
import type { ReporterCaseView } from '../../../services/presenters/case.presenter.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, TextField, type Values } from '../components/form.tsx';
import { SeverityBadge, StateBadge, Timeline, When } from '../components/case-bits.tsx';
import { DeadlinesTable } from '../components/deadlines.tsx';
import { EmbargoNotice } from '../components/embargo.tsx';

export function ReporterCasePage(props: {
  ctx: PageContext;
  view: ReporterCaseView;
  token: string;
  justSubmitted?: boolean;
  values?: Values;
  errors?: FieldError[];
  detailValues?: Values;
  detailErrors?: FieldError[];
}) {
  const { view } = props;
  const detailValues: Values = props.detailValues ?? {
    reporterEmail: view.reporterEmail ?? '',
    creditPreference: view.credit.preference,
    creditName: view.credit.name ?? '',
  };
  return (
    <Layout ctx={props.ctx} title={`Your report ${view.key}`}>
      {props.justSubmitted ? (
        <div class="alert success" role="status">
          <strong>Your report was received.</strong> This page’s address is your private link to it: bookmark
          it and keep it secret. Anyone with the link can read the report.
        </div>
      ) : null}
      <p class="eyebrow">
        {view.project.name} · {view.key}
      </p>
      <h1>{view.title}</h1>
      <EmbargoNotice embargo={view.embargo} />
      <p>
        <StateBadge state={view.state} resolution={view.resolution} />{' '}
        <SeverityBadge severity={view.severity} />{' '}
        {view.needsInfo ? (
          <span class="badge needs-info">The team asked you for more information</span>
        ) : null}
      </p>
      <div class="split">
        <div>
          <section class="card" id="deadlines">
            <h2>What the team committed to</h2>
            <DeadlinesTable deadlines={view.deadlines} audience="reporter" />
          </section>
          <section class="card">
            <h2>Conversation</h2>
            {view.timelineTotal ? (
              <p class="muted">
                Showing the latest {view.timeline.length} of {view.timelineTotal} entries.{' '}
                <a href={`/c/${props.token}?timeline=all#reply`}>Show all</a>
              </p>
            ) : null}
            <Timeline entries={view.timeline} />
            <form method="post" action={`/c/${props.token}/messages`} id="reply">
              <Csrf token={props.ctx.csrf} />
              <ErrorSummary errors={props.errors} />
              <TextArea
                name="body"
                label="Reply to the security team"
                required
                rows={5}
                values={props.values}
                errors={props.errors}
              />
              <div class="actions">
                <button type="submit">Send reply</button>
              </div>
            </form>
          </section>
          <section class="card">
            <h2>Your report</h2>
            <h3>Description</h3>
            <div class="prose">{view.description}</div>
            <h3>Steps to reproduce</h3>
            <div class="prose">{view.stepsToReproduce}</div>
            <h3>Impact</h3>
            <div class="prose">{view.impact}</div>
            <h3>Affected versions</h3>
            <div class="prose">{view.affectedVersions}</div>
            {view.suggestedFix ? (
              <>
                <h3>Suggested fix</h3>
                <div class="prose">{view.suggestedFix}</div>
              </>
            ) : null}
          </section>
        </div>
        <aside class="card">
          <h2>Details</h2>
          <dl class="facts">
            <dt>Case</dt>
            <dd>{view.key}</dd>
            <dt>Submitted</dt>
            <dd>
              <When at={view.createdAt} />
            </dd>
            <dt>Updated</dt>
            <dd>
              <When at={view.updatedAt} />
            </dd>
            <dt>Contact</dt>
            <dd>{view.reporterEmail ?? 'none (anonymous)'}</dd>
            <dt>Credit</dt>
            <dd>
              {view.credit.preference === 'anonymous'
                ? 'Not credited'
                : `${view.credit.name} (${view.credit.preference})`}
            </dd>
          </dl>
          <details open={!!props.detailErrors?.length}>
            <summary>Change contact or credit</summary>
            <form method="post" action={`/c/${props.token}/details`} id="details">
              <Csrf token={props.ctx.csrf} />
              <ErrorSummary errors={props.detailErrors} />
              <TextField
                name="reporterEmail"
                type="email"
                label="Your e-mail"
                hint="Empty: no e-mail, only this link."
                values={detailValues}
                errors={props.detailErrors}
              />
              <fieldset>
                <legend>Credit</legend>
                {(['anonymous', 'name', 'handle'] as const).map((v) => (
                  <label key={v}>
                    <input
                      type="radio"
                      name="creditPreference"
                      value={v}
                      checked={detailValues.creditPreference === v}
                    />{' '}
                    {v === 'anonymous' ? 'Do not credit me' : v === 'name' ? 'By name' : 'By handle'}
                  </label>
                ))}
                <TextField
                  name="creditName"
                  label="Name or handle"
                  values={detailValues}
                  errors={props.detailErrors}
                />
              </fieldset>
              <div class="actions">
                <button type="submit" class="secondary">
                  Save
                </button>
              </div>
            </form>
          </details>
        </aside>
      </div>
    </Layout>
  );
}
