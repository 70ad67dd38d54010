// The team's controls on a case page: one small form per allowed transition, the details form,
// and the two message forms (a reply the reporter sees, and an internal note they never see).
import { RESOLUTIONS, SEVERITIES, type CaseState } from '../../../domain/case-state.ts';
import type { TeamCaseView } from '../../../services/presenters/case.presenter.ts';
import { Csrf } from '../components/form.tsx';

const ACTION_LABEL: Record<CaseState, string> = {
  new: 'Mark new',
  acknowledged: 'Acknowledge',
  triaged: 'Triage',
  fixing: 'Start fixing',
  fixed: 'Mark fixed',
  disclosed: 'Mark disclosed',
  closed: 'Close',
};

export function SeveritySelect(props: {
  name: string;
  value: string | null;
  allowEmpty?: boolean;
  id: string;
}) {
  return (
    <select name={props.name} id={props.id}>
      {props.allowEmpty ? <option value="">—</option> : null}
      {SEVERITIES.map((s) => (
        <option key={s} value={s} selected={props.value === s}>
          {s[0]!.toUpperCase() + s.slice(1)}
        </option>
      ))}
    </select>
  );
}

export function TransitionForms(props: { view: TeamCaseView; csrf: string }) {
  const { view } = props;
  const action = `/cases/${view.key}/transition`;
  if (!view.allowedTransitions.length) return <p class="muted">This case is final.</p>;
  return (
    <div>
      {view.allowedTransitions.map((to) => {
        if (to === 'triaged') {
          return (
            <form method="post" action={action} key={to} class="actions">
              <Csrf token={props.csrf} />
              <input type="hidden" name="to" value="triaged" />
              <div>
                <label for="triage-severity">Triage as</label>
                <SeveritySelect name="severity" id="triage-severity" value={view.severity ?? 'medium'} />
              </div>
              <button type="submit">Triage</button>
            </form>
          );
        }
        if (to === 'closed') {
          return (
            <form method="post" action={action} key={to} class="actions">
              <Csrf token={props.csrf} />
              <input type="hidden" name="to" value="closed" />
              <div>
                <label for="close-resolution">Close as</label>
                <select name="resolution" id="close-resolution">
                  {RESOLUTIONS.map((r) => (
                    <option key={r} value={r}>
                      {r.replace(/-/g, ' ')}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label for="close-duplicate">
                  Duplicate of <span class="hint">only for “duplicate”</span>
                </label>
                <input
                  type="text"
                  name="duplicateOf"
                  id="close-duplicate"
                  placeholder={view.key.replace(/\d+$/, '1')}
                />
              </div>
              <button type="submit" class="secondary">
                Close
              </button>
            </form>
          );
        }
        return (
          <form method="post" action={action} key={to} class="inline">
            <Csrf token={props.csrf} />
            <input type="hidden" name="to" value={to} />
            <button
              type="submit"
              class={to === 'acknowledged' && view.state === 'new' ? undefined : 'secondary'}
            >
              {view.state === 'closed' && to === 'acknowledged' ? 'Reopen' : ACTION_LABEL[to]}
            </button>{' '}
          </form>
        );
      })}
    </div>
  );
}

export function DetailsForm(props: {
  view: TeamCaseView;
  csrf: string;
  members: Array<{ id: string; name: string }>;
}) {
  const { view } = props;
  return (
    <form method="post" action={`/cases/${view.key}/update`}>
      <Csrf token={props.csrf} />
      <label for="title">Title</label>
      <input type="text" id="title" name="title" value={view.title} maxLength={200} />
      <label for="assigneeId">Assignee</label>
      <select name="assigneeId" id="assigneeId">
        <option value="">Nobody</option>
        {props.members.map((m) => (
          <option key={m.id} value={m.id} selected={view.assignee?.id === m.id}>
            {m.name}
          </option>
        ))}
      </select>
      <input type="hidden" name="needsInfo" value="false" />
      <label>
        <input type="checkbox" name="needsInfo" value="true" checked={view.needsInfo} /> Waiting for
        information from the reporter
      </label>
      <div class="actions">
        <button type="submit" class="secondary">
          Save details
        </button>
      </div>
    </form>
  );
}

export function MessageForms(props: {
  view: TeamCaseView;
  csrf: string;
  values?: { body?: string; note?: string };
  /** A collaborator writes internal notes only. */
  notesOnly?: boolean;
}) {
  const action = `/cases/${props.view.key}/messages`;
  return (
    <>
      {props.notesOnly ? null : (
        <form method="post" action={action} id="reply">
          <Csrf token={props.csrf} />
          <input type="hidden" name="internal" value="false" />
          <label for="reply-body">
            Reply to the reporter <span class="hint">The reporter sees this on their case page.</span>
          </label>
          <textarea id="reply-body" name="body" rows={5}>
            {props.values?.body ?? ''}
          </textarea>
          <div class="actions">
            <button type="submit">Send reply</button>
          </div>
        </form>
      )}
      <form method="post" action={action} id="note">
        <Csrf token={props.csrf} />
        <input type="hidden" name="internal" value="true" />
        <label for="note-body">
          Internal note <span class="hint">Only the team sees this — never the reporter.</span>
        </label>
        <textarea id="note-body" name="body" rows={3}>
          {props.values?.note ?? ''}
        </textarea>
        <div class="actions">
          <button type="submit" class="secondary">
            Add internal note
          </button>
        </div>
      </form>
    </>
  );
}
