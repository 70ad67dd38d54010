// The case page's triage aids: the reporter's track record (how their earlier reports turned out)
// and possible duplicates with a one-click "Mark as duplicate of KEY" (a plain form posting the
// ordinary transition, so it needs no script and leaves the usual timeline entry and audit).
import type { TeamCaseView } from '../../../services/presenters/case.presenter.ts';
import type { SimilarCase } from '../../../services/triage/similar-cases.ts';
import { OUTCOMES, OUTCOME_LABELS } from '../../../domain/reporter-outcome.ts';
import { Csrf } from '../components/form.tsx';
import { StateBadge, When } from '../components/case-bits.tsx';

export function ReporterHistoryCard(props: { view: TeamCaseView }) {
  const h = props.view.reporterHistory;
  if (!h) return null;
  const where =
    h.scope === 'instance'
      ? 'on every project of this instance (you are an instance admin)'
      : 'on the projects you are on the team of';
  return (
    <section class="card" id="reporter-history">
      <h2>Reporter history</h2>
      {h.by === 'none' ? (
        <p class="muted">An anonymous report (link only): there is no history to link it to.</p>
      ) : h.counts.total === 0 ? (
        <p>
          First report from this {h.by === 'account' ? 'account' : 'address'} {where}.
        </p>
      ) : (
        <>
          <p>
            Earlier reports from this {h.by === 'account' ? 'account' : 'address'} {where}
            {h.truncated ? ' (the most recent 1,000)' : ''}:
          </p>
          <dl class="facts">
            {OUTCOMES.map((o) => (
              <>
                <dt>{OUTCOME_LABELS[o]}</dt>
                <dd class={o === 'spam' && h.counts.spam ? 'badge warn' : undefined}>{h.counts[o]}</dd>
              </>
            ))}
          </dl>
          {h.recent.length ? (
            <p class="hint">
              Latest:{' '}
              {h.recent.map((r, i) => (
                <>
                  {i ? ', ' : ''}
                  <a href={`/cases/${r.key}`}>{r.key}</a> ({OUTCOME_LABELS[r.outcome].toLowerCase()})
                </>
              ))}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

export function SimilarCasesCard(props: {
  view: TeamCaseView;
  similar: SimilarCase[] | 'on-request';
  csrf: string;
}) {
  const { view, similar } = props;
  if (similar === 'on-request')
    return (
      <section class="card" id="similar-cases">
        <h2>Possible duplicates</h2>
        <p>
          <a href={`/cases/${view.key}?similar=1#similar-cases`}>Look for possible duplicates</a>
        </p>
      </section>
    );
  // Marking a duplicate closes the case; offer it only while the case can still be closed.
  const canClose = view.allowedTransitions.includes('closed') && view.viewer !== 'collaborator';
  return (
    <section class="card" id="similar-cases">
      <h2>Possible duplicates</h2>
      {similar.length === 0 ? (
        <p class="muted">No open or recent case of this project looks like this one.</p>
      ) : (
        <ul class="plain">
          {similar.map((c) => {
            const target = c.duplicateOf ?? c.key;
            return (
              <li key={c.id}>
                <a href={`/cases/${c.key}`}>{c.key}</a> {c.title}{' '}
                <span class="hint">
                  {Math.round(c.score * 100)} % similar ·{' '}
                  <StateBadge state={c.state} resolution={c.resolution} /> · received{' '}
                  <When at={c.createdAt} />
                  {c.duplicateOf ? ` · itself a duplicate of ${c.duplicateOf}` : ''}
                </span>
                {canClose ? (
                  <form method="post" action={`/cases/${view.key}/transition`} class="inline">
                    <Csrf token={props.csrf} />
                    <input type="hidden" name="to" value="closed" />
                    <input type="hidden" name="resolution" value="duplicate" />
                    <input type="hidden" name="duplicateOf" value={target} />
                    <button type="submit" class="secondary">
                      Mark as duplicate of {target}
                    </button>
                  </form>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
