// The parts of the team's case page that come from the project's policy: what intake flagged
// (unsupported version, out-of-scope category), severity with CVSS, and the response checklists.
import type { TeamCaseView } from '../../../services/presenters/case.presenter.ts';
import type { CvssResult } from '../../../integrations/cvss/cvss.ts';
import { Csrf } from '../components/form.tsx';
import { When } from '../components/case-bits.tsx';
import { SeveritySelect } from './case-actions.tsx';

export function IntakeFlags(props: { view: TeamCaseView }) {
  const { view } = props;
  if (view.versionStatus !== 'unsupported' && !view.scopeCategory) return null;
  return (
    <div class="alert warn" id="intake-flags">
      {view.versionStatus === 'unsupported' ? (
        <p>
          <strong>Unsupported version.</strong> The affected versions the reporter gave (“
          {view.affectedVersions}”) are not supported under this project’s policy.
        </p>
      ) : null}
      {view.scopeCategory ? (
        <p>
          <strong>Reporter marked this as out of scope: {view.scopeCategory.title}.</strong>
          {view.scopeCategory.reason ? ` ${view.scopeCategory.reason}` : ''}
        </p>
      ) : null}
    </div>
  );
}

function CvssMetrics(props: { result: CvssResult }) {
  const r = props.result;
  return (
    <details>
      <summary>
        CVSS {r.version} base score <strong>{r.baseScore.toFixed(1)}</strong> ({r.rating})
      </summary>
      <dl class="facts cvss-metrics">
        {r.metrics.map((m) => (
          <>
            <dt>{m.name}</dt>
            <dd>{m.valueName}</dd>
          </>
        ))}
      </dl>
    </details>
  );
}

export function SeverityForm(props: { view: TeamCaseView; csrf: string }) {
  const { view } = props;
  return (
    <form method="post" action={`/cases/${view.key}/update`} id="severity-form">
      <Csrf token={props.csrf} />
      {view.cvss.v4 ? <CvssMetrics result={view.cvss.v4} /> : null}
      {view.cvss.v3 ? <CvssMetrics result={view.cvss.v3} /> : null}
      <label for="cvss3Vector">CVSS 3.1 vector</label>
      <input
        type="text"
        id="cvss3Vector"
        name="cvss3Vector"
        value={view.cvss.v3?.vector ?? ''}
        placeholder="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        maxLength={200}
      />
      <label for="cvss4Vector">CVSS 4.0 vector</label>
      <input
        type="text"
        id="cvss4Vector"
        name="cvss4Vector"
        value={view.cvss.v4?.vector ?? ''}
        placeholder="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
        maxLength={400}
      />
      <label for="severity">Severity</label>
      <SeveritySelect name="severity" id="severity" value={view.severity} allowEmpty />
      <span class="hint">
        {view.cvssSeverity
          ? `The CVSS score maps to ${view.cvssSeverity} under this project’s policy.`
          : 'With a vector, the severity follows its score unless you choose another and say why.'}
      </span>
      <label for="severityReason">
        Reason for a different severity <span class="hint">Internal</span>
      </label>
      <textarea id="severityReason" name="severityReason" rows={2} maxLength={2000}>
        {view.severityReason ?? ''}
      </textarea>
      <div class="actions">
        <button type="submit" class="secondary">
          Save severity
        </button>
      </div>
    </form>
  );
}

export function Checklists(props: { view: TeamCaseView; csrf: string }) {
  const { view } = props;
  if (!view.checklists.length) return null;
  return (
    <>
      {view.checklists.map((cl) => (
        <section class="card" id={`checklist-${cl.id}`}>
          <h2>{cl.title}</h2>
          <ul class="checklist">
            {cl.items.map((it) => (
              <li class={it.checked ? 'done' : undefined}>
                <form method="post" action={`/cases/${view.key}/checklist`}>
                  <Csrf token={props.csrf} />
                  <input type="hidden" name="checklist" value={cl.id} />
                  <input type="hidden" name="item" value={it.id} />
                  <input type="hidden" name="checked" value={it.checked ? 'false' : 'true'} />
                  <button type="submit" class="link" aria-pressed={it.checked ? 'true' : 'false'}>
                    {it.checked ? '☑' : '☐'} {it.text}
                  </button>
                  {it.changedAt ? (
                    <span class="hint">
                      {it.checked ? 'ticked' : 'unticked'} by {it.changedBy ?? 'a former member'},{' '}
                      <When at={it.changedAt} />
                    </span>
                  ) : null}
                </form>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
