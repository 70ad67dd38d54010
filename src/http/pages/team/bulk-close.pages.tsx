// Closing many cases at once from the inbox: the confirmation page (what will be closed, nothing yet
// changed) and the result page (what was closed, what was not and why, how to undo one).
import type { PageContext } from '../render.ts';
import type { BulkCloseResult } from '../../../services/triage/triage.service.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary } from '../components/form.tsx';
import { StateBadge } from '../components/case-bits.tsx';

const WORDS: Record<string, string> = {
  spam: 'spam',
  'not-a-vulnerability': 'not a vulnerability',
  'out-of-scope': 'out of scope',
  informative: 'informative',
};

export function BulkConfirmPage(props: {
  ctx: PageContext;
  resolution: string;
  cases: Array<{ id: string; key: string; title: string; state: string }>;
  error?: string;
}) {
  const { cases, resolution } = props;
  const word = WORDS[resolution] ?? resolution;
  return (
    <Layout ctx={props.ctx} title={`Close ${cases.length} cases as ${word}?`}>
      <h1>Close as {word}?</h1>
      {props.error ? <ErrorSummary message={props.error} /> : null}
      {cases.length === 0 ? (
        <p>None of the selected cases can be closed by you.</p>
      ) : (
        <>
          <p>
            These {cases.length} cases will be closed with the resolution “{word}”. Each gets a timeline entry
            and an audit record.{' '}
            {resolution === 'spam'
              ? 'Their reporters are not mailed (answering spam sends mail to forged addresses).'
              : 'Their reporters are told, as for any closure.'}{' '}
            A case closed by mistake can be reopened from its page.
          </p>
          <ul class="plain" id="bulk-cases">
            {cases.map((c) => (
              <li key={c.id}>
                <a href={`/cases/${c.key}`}>{c.key}</a> {c.title} <StateBadge state={c.state} />
              </li>
            ))}
          </ul>
          <form method="post" action="/inbox/bulk-close/confirm">
            <Csrf token={props.ctx.csrf} />
            <input type="hidden" name="resolution" value={resolution} />
            {cases.map((c) => (
              <input type="hidden" name="ids" value={c.id} />
            ))}
            <div class="actions">
              <button type="submit" class="danger">
                Close {cases.length} {cases.length === 1 ? 'case' : 'cases'} as {word}
              </button>{' '}
              <a href="/inbox" class="button secondary">
                Cancel
              </a>
            </div>
          </form>
        </>
      )}
      {cases.length === 0 ? <a href="/inbox">Back to the inbox</a> : null}
    </Layout>
  );
}

export function BulkResultPage(props: { ctx: PageContext; result: BulkCloseResult }) {
  const r = props.result;
  const word = WORDS[r.resolution] ?? r.resolution;
  const failed = r.results.filter((x) => x.status !== 'closed');
  return (
    <Layout ctx={props.ctx} title={`Closed ${r.closed} cases`}>
      <h1>
        Closed {r.closed} {r.closed === 1 ? 'case' : 'cases'} as {word}
      </h1>
      <div class={`alert ${failed.length ? 'warn' : 'success'}`} role="status">
        {r.closed} closed{failed.length ? `, ${failed.length} not closed (see below)` : ''}. To undo one, open
        it and move it back to “Acknowledged”.
      </div>
      <ul class="plain" id="bulk-results">
        {r.results.map((x) => (
          <li key={x.id}>
            {x.key ? <a href={`/cases/${x.key}`}>{x.key}</a> : <code>{x.id}</code>}{' '}
            {x.status === 'closed' ? 'closed' : `not closed: ${x.message ?? x.status}`}
          </li>
        ))}
      </ul>
      <p>
        <a href="/inbox">Back to the inbox</a>
      </p>
    </Layout>
  );
}
