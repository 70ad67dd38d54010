// A party's page for a case: the embargo, the summary the team wrote for parties, the party's own
// status and public statement (which its contacts set), and its thread with the security team.
// Nothing here comes from the reporter's text.
import type { PartyCaseView } from '../../../services/presenters/party.presenter.ts';
import type { FieldError } from '../../../domain/errors.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary } from '../components/form.tsx';
import { Timeline, When } from '../components/case-bits.tsx';
import { EmbargoNotice } from '../components/embargo.tsx';
import { PARTY_STATUSES } from '../../../services/coordination/party.service.ts';

const STATUS_TEXT: Record<string, string> = {
  unknown: 'We don’t know yet',
  affected: 'Affected',
  'not-affected': 'Not affected',
  fixed: 'Fixed',
};

export function PartyCasePage(props: {
  ctx: PageContext;
  view: PartyCaseView;
  error?: { message: string; errors?: FieldError[] | undefined } | undefined;
  values?: { body?: string } | undefined;
}) {
  const { view, ctx } = props;
  const base = `/cases/${view.key}`;
  return (
    <Layout ctx={ctx} title={`${view.key}: ${view.title}`} wide>
      <p class="eyebrow">
        {view.project.name} · {view.key} · coordination for {view.party.organisation}
      </p>
      <h1>{view.title}</h1>
      <EmbargoNotice embargo={view.embargo} none="No embargo end date is set yet; keep this confidential." />
      {props.error ? <ErrorSummary message={props.error.message} errors={props.error.errors} /> : null}
      <div class="split">
        <div>
          <section class="card">
            <h2>Summary</h2>
            {view.summary ? (
              <div class="prose">{view.summary}</div>
            ) : (
              <p class="muted">The security team has not written a summary yet.</p>
            )}
          </section>
          <section class="card" id="timeline">
            <h2>Conversation with the security team</h2>
            <Timeline entries={view.timeline} />
            <form method="post" action={`${base}/messages`} id="reply">
              <Csrf token={ctx.csrf} />
              <label for="party-body">
                Write to the security team <span class="hint">Other parties do not see this thread.</span>
              </label>
              <textarea id="party-body" name="body" rows={4}>
                {props.values?.body ?? ''}
              </textarea>
              <div class="actions">
                <button type="submit">Send</button>
              </div>
            </form>
          </section>
        </div>
        <aside>
          <section class="card" id="status">
            <h2>Your status</h2>
            <form method="post" action={`${base}/parties/status`}>
              <Csrf token={ctx.csrf} />
              <input type="hidden" name="partyId" value={view.party.id} />
              <fieldset>
                <legend>Is {view.party.organisation} affected?</legend>
                {PARTY_STATUSES.map((s) => (
                  <label key={s}>
                    <input type="radio" name="status" value={s} checked={view.party.status === s} />{' '}
                    {STATUS_TEXT[s]}
                  </label>
                ))}
              </fieldset>
              <label for="party-statement">
                Public statement <span class="hint">published with the advisory</span>
              </label>
              <textarea id="party-statement" name="statement" rows={3}>
                {view.party.statement ?? ''}
              </textarea>
              <div class="actions">
                <button type="submit">Save</button>
              </div>
            </form>
          </section>
          <section class="card">
            <h2>Your contacts</h2>
            <ul>
              {view.contacts.map((c) => (
                <li key={c.email}>
                  {c.name} &lt;{c.email}&gt;{c.hasPgpKey ? ' · mail encrypted' : ''}
                </li>
              ))}
            </ul>
            {view.party.notifiedAt ? (
              <p class="hint">
                Invited <When at={view.party.notifiedAt} />
              </p>
            ) : null}
          </section>
        </aside>
      </div>
      <script src="/assets/local-time.js" defer />
    </Layout>
  );
}
