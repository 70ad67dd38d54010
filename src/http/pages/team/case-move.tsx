// Moving work out of a case, on the team's pages: the card on the case page (export as a public
// issue, a link to transfer, the downgrade form) and the move page at /cases/{key}/move, which holds
// both forms with what they do spelled out, and shows a refused form again with its reason.
import type { FieldError } from '../../../domain/errors.ts';
import type { TeamCaseView } from '../../../services/presenters/case.presenter.ts';
import type { MoveOptions } from '../../../services/case-move.service.ts';
import { OPEN_STATES, type CaseState } from '../../../domain/case-state.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, TextField, errorFor, type Values } from '../components/form.tsx';

const DOWNGRADE_TEXT =
  'Closes the case as “not a vulnerability” and tells the reporter — on their case page and, if they ' +
  'left an address, by mail — that the team judged it not to be a security issue, and where it ' +
  'continues in public. Export the issue text first and file it in your tracker.';

function DowngradeForm(props: {
  caseKey: string;
  csrf: string;
  values?: Values | undefined;
  errors?: FieldError[] | undefined;
}) {
  const confirmError = errorFor(props.errors, 'confirm');
  return (
    <form method="post" action={`/cases/${props.caseKey}/downgrade`} id="downgrade">
      <Csrf token={props.csrf} />
      <p class="hint">{DOWNGRADE_TEXT}</p>
      <TextField
        name="issueUrl"
        label="Public issue"
        hint="Its address in your issue tracker, shown to the reporter."
        maxLength={2000}
        values={props.values}
        errors={props.errors}
      />
      <TextArea
        name="message"
        label="Message to the reporter"
        rows={4}
        values={props.values}
        errors={props.errors}
      />
      <label>
        <input type="checkbox" name="confirm" value="yes" id="confirm" required /> Close it as not a
        vulnerability and tell the reporter
      </label>
      {confirmError ? <p class="field-error">{confirmError}</p> : null}
      <div class="actions">
        <button type="submit" class="secondary">
          Downgrade to a public issue
        </button>
      </div>
    </form>
  );
}

/** The case page's card. Collaborators read the case but move nothing, so they get no card. */
export function CaseMoveCard(props: { view: TeamCaseView; csrf: string }) {
  const { view } = props;
  if (view.viewer === 'collaborator') return null;
  const open = OPEN_STATES.includes(view.state);
  return (
    <section class="card" id="move">
      <h2>Not ours, or not a vulnerability?</h2>
      <ul>
        <li>
          <a href={`/cases/${view.key}/issue.md`} download>
            Export as a public issue (Markdown)
          </a>
        </li>
        <li>
          <a href={`/cases/${view.key}/move`}>Transfer to another project…</a>
        </li>
      </ul>
      {open ? (
        <details>
          <summary>Downgrade to a public issue</summary>
          <DowngradeForm caseKey={view.key} csrf={props.csrf} />
        </details>
      ) : null}
    </section>
  );
}

export function CaseMovePage(props: {
  ctx: PageContext;
  options: MoveOptions;
  error?: { message: string; errors?: FieldError[] | undefined; form: 'transfer' | 'downgrade' } | undefined;
  values?: Values | undefined;
}) {
  const { options: o, ctx, error } = props;
  const transferErrors = error?.form === 'transfer' ? error.errors : undefined;
  const downgradeErrors = error?.form === 'downgrade' ? error.errors : undefined;
  return (
    <Layout ctx={ctx} title={`Move ${o.key}`}>
      <p class="eyebrow">
        {o.project.name} · <a href={`/cases/${o.key}`}>{o.key}</a>
      </p>
      <h1>Move {o.key} elsewhere</h1>
      <p>{o.title}</p>
      {error ? <ErrorSummary message={error.message} errors={error.errors} /> : null}
      <section class="card" id="export">
        <h2>Export as a public issue</h2>
        <p>
          The report as Markdown for an issue tracker: the first line is the title, the rest the issue text.
          It holds the report’s fields and the names of its files, and credits the reporter as they chose;
          never their address, internal notes or the conversation. Every export is recorded in the audit log.
        </p>
        <p>
          <a href={`/cases/${o.key}/issue.md`} download>
            Download {o.key}-issue.md
          </a>
        </p>
      </section>
      <section class="card" id="transfer">
        <h2>Transfer to another project</h2>
        <p>
          The case gets the next key of the project it moves to; {o.key} keeps leading to it, the reporter’s
          private link keeps working, and the reporter and the new team are told. Its deadlines keep counting
          from when the report arrived, under the new project’s current policy. An assignee who is not on the
          new team is unassigned.
        </p>
        {o.transferRefusal ? (
          <p class="muted">{o.transferRefusal}</p>
        ) : !o.targets.length ? (
          <p class="muted">You are on no other project’s team.</p>
        ) : (
          <form method="post" action={`/cases/${o.key}/transfer`}>
            <Csrf token={ctx.csrf} />
            <label for="project">Move to</label>
            <select
              name="project"
              id="project"
              aria-invalid={errorFor(transferErrors, 'project') ? 'true' : undefined}
            >
              {o.targets.map((p) => (
                <option key={p.slug} value={p.slug} selected={props.values?.project === p.slug}>
                  {p.name} ({p.key})
                </option>
              ))}
            </select>
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> Move {o.key} and tell the reporter
              and the new team
            </label>
            <div class="actions">
              <button type="submit">Transfer</button>
            </div>
          </form>
        )}
      </section>
      <section class="card">
        <h2>Downgrade to a public issue</h2>
        {OPEN_STATES.includes(o.state as CaseState) ? (
          <DowngradeForm
            caseKey={o.key}
            csrf={ctx.csrf}
            values={error?.form === 'downgrade' ? props.values : undefined}
            errors={downgradeErrors}
          />
        ) : (
          <p class="muted">Only an open case is downgraded; this one is {o.state}.</p>
        )}
      </section>
    </Layout>
  );
}
