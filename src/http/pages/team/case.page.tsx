// The team's case page: everything about one case, its full timeline (internal entries marked),
// and the controls to move it along.
import type { TeamCaseView } from '../../../services/presenters/case.presenter.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary } from '../components/form.tsx';
import { SeverityBadge, StateBadge, Timeline, When } from '../components/case-bits.tsx';
import { DetailsForm, MessageForms, TransitionForms } from './case-actions.tsx';
import type { FieldError } from '../../../domain/errors.ts';
import { DeadlinesTable } from '../components/deadlines.tsx';
import { Checklists, IntakeFlags, SeverityForm } from './case-policy.tsx';
import { CaseMoveCard } from './case-move.tsx';
import { ReporterHistoryCard, SimilarCasesCard } from './triage-panels.tsx';
import type { SimilarCase } from '../../../services/triage/similar-cases.ts';
import { EmbargoNotice } from '../components/embargo.tsx';
import {
  CollaboratorsCard,
  EmbargoCard,
  PartiesCard,
  PartyMessageForm,
  type Coordination,
} from './coordination-panel.tsx';

function Section(props: { title: string; text: string | null }) {
  if (!props.text) return null;
  return (
    <>
      <h3>{props.title}</h3>
      <div class="prose">{props.text}</div>
    </>
  );
}

export function CasePage(props: {
  ctx: PageContext;
  view: TeamCaseView;
  members: Array<{ id: string; name: string }>;
  advisories: Array<{ uid: string; id: string | null; title: string; state: string }>;
  /** Collaborators and parties; null for a collaborator reading the case. */
  coordination?: Coordination | null;
  error?: { message: string; errors?: FieldError[] | undefined };
  values?: { body?: string; note?: string };
  /** Possible duplicates (triage/similar-cases.ts); absent for collaborators. */
  similar?: SimilarCase[] | 'on-request' | null;
}) {
  const { view, ctx } = props;
  // A collaborator reads the case and writes internal notes; every control is the team's.
  const guest = view.viewer === 'collaborator';
  const coordination = props.coordination ?? null;
  return (
    <Layout ctx={ctx} title={`${view.key}: ${view.title}`} wide>
      <p class="eyebrow">
        <a href={`/inbox?project=${view.project.slug}`}>{view.project.name}</a> · {view.key}
      </p>
      <h1>{view.title}</h1>
      <p>
        <StateBadge state={view.state} resolution={view.resolution} />{' '}
        <SeverityBadge severity={view.severity} />{' '}
        {view.needsInfo ? <span class="badge needs-info">Waiting for the reporter</span> : null}
      </p>
      <EmbargoNotice embargo={view.embargo} />
      {guest ? (
        <p class="notice">
          You are a collaborator on this case only: you can read it and write internal notes.
        </p>
      ) : null}
      {props.error ? <ErrorSummary message={props.error.message} errors={props.error.errors} /> : null}
      <IntakeFlags view={view} />
      <div class="split">
        <div>
          <section class="card" id="deadlines">
            <h2>Deadlines</h2>
            <DeadlinesTable deadlines={view.deadlines} audience="team" />
          </section>
          <section class="card">
            <h2>Report</h2>
            <Section title="Description" text={view.description} />
            <Section title="Steps to reproduce" text={view.stepsToReproduce} />
            <Section title="Impact" text={view.impact} />
            <Section title="Affected versions" text={view.affectedVersions} />
            <Section title="Suggested fix" text={view.suggestedFix} />
          </section>
          <section class="card" id="timeline">
            <h2>Timeline</h2>
            {view.timelineTotal ? (
              <p class="muted">
                Showing the latest {view.timeline.length} of {view.timelineTotal} entries.{' '}
                <a href={`/cases/${view.key}?timeline=all#timeline`}>Show all</a>
              </p>
            ) : null}
            <Timeline entries={view.timeline} />
          </section>
          <section class="card">
            <h2>Write</h2>
            <MessageForms view={view} csrf={ctx.csrf} values={props.values} notesOnly={guest} />
            {coordination ? (
              <PartyMessageForm view={view} csrf={ctx.csrf} parties={coordination.parties} />
            ) : null}
          </section>
          {coordination ? <PartiesCard view={view} csrf={ctx.csrf} parties={coordination.parties} /> : null}
        </div>
        <aside>
          {guest ? null : (
            <section class="card">
              <h2>Move this case</h2>
              <TransitionForms view={view} csrf={ctx.csrf} />
            </section>
          )}
          {coordination ? <EmbargoCard view={view} csrf={ctx.csrf} /> : null}
          {coordination ? (
            <CollaboratorsCard view={view} csrf={ctx.csrf} list={coordination.collaborators} />
          ) : null}
          <section class="card">
            <h2>Facts</h2>
            <dl class="facts">
              <dt>Received</dt>
              <dd>
                <When at={view.createdAt} /> via {view.channel}
              </dd>
              {view.acknowledgedAt ? (
                <>
                  <dt>Acknowledged</dt>
                  <dd>
                    <When at={view.acknowledgedAt} />
                  </dd>
                </>
              ) : null}
              {view.triagedAt ? (
                <>
                  <dt>Triaged</dt>
                  <dd>
                    <When at={view.triagedAt} />
                  </dd>
                </>
              ) : null}
              <dt>Reporter</dt>
              <dd>{view.reporterEmail ?? 'anonymous (link only)'}</dd>
              <dt>Credit</dt>
              <dd>
                {view.credit.preference === 'anonymous'
                  ? 'anonymous'
                  : `${view.credit.name} (${view.credit.preference})`}
              </dd>
              {view.duplicateOf ? (
                <>
                  <dt>Duplicate of</dt>
                  <dd>
                    <a href={`/cases/${view.duplicateOf}`}>{view.duplicateOf}</a>
                  </dd>
                </>
              ) : null}
            </dl>
          </section>
          <ReporterHistoryCard view={view} />
          {props.similar ? <SimilarCasesCard view={view} similar={props.similar} csrf={ctx.csrf} /> : null}
          {guest ? null : (
            <>
              <section class="card" id="advisories">
                <h2>Advisory</h2>
                {props.advisories.length ? (
                  <ul>
                    {props.advisories.map((a) => (
                      <li>
                        <a href={`/team/advisories/${a.uid}`}>{a.id ?? a.title}</a> ({a.state})
                      </li>
                    ))}
                  </ul>
                ) : null}
                <form method="post" action="/team/advisories">
                  <Csrf token={ctx.csrf} />
                  <input type="hidden" name="project" value={view.project.slug} />
                  <input type="hidden" name="case" value={view.key} />
                  <button type="submit">Draft an advisory from this case</button>
                </form>
              </section>
              <section class="card">
                <h2>Severity</h2>
                <SeverityForm view={view} csrf={ctx.csrf} />
              </section>
              <Checklists view={view} csrf={ctx.csrf} />
              <section class="card">
                <h2>Details</h2>
                <DetailsForm view={view} csrf={ctx.csrf} members={props.members} />
              </section>
              <CaseMoveCard view={view} csrf={ctx.csrf} />
            </>
          )}
        </aside>
      </div>
      <script src="/assets/local-time.js" defer />
    </Layout>
  );
}
