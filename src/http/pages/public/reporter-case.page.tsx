// The reporter's private case page at /c/{token}: status, the report as sent, the shared timeline
// and a reply form. Only what the presenter's reporter view holds can appear here.
import type { FieldError } from '../../../domain/errors.ts';
import type { ReporterCaseView } from '../../../services/presenters/case.presenter.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, type Values } from '../components/form.tsx';
import { SeverityBadge, StateBadge, Timeline, When } from '../components/case-bits.tsx';

export function ReporterCasePage(props: {
  ctx: PageContext;
  view: ReporterCaseView;
  token: string;
  justSubmitted?: boolean;
  values?: Values;
  errors?: FieldError[];
}) {
  const { view } = props;
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
      <p>
        <StateBadge state={view.state} resolution={view.resolution} />{' '}
        <SeverityBadge severity={view.severity} />{' '}
        {view.needsInfo ? (
          <span class="badge needs-info">The team asked you for more information</span>
        ) : null}
      </p>
      <div class="split">
        <div>
          <section class="card">
            <h2>Conversation</h2>
            <Timeline entries={view.timeline} />
            <form method="post" action={`/c/${props.token}/messages`}>
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
        </aside>
      </div>
    </Layout>
  );
}
