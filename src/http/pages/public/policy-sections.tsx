// The parts of a project's published policy, rendered from its policy file: the same commitments as
// its SECURITY.md, as HTML. Each section shows only when the policy says something about it.
import { SEVERITIES, type Severity } from '../../../domain/case-state.ts';
import { formatDuration } from '../../../domain/policy/duration.ts';
import { CLOCKS, type ClockName, type Policy, type ScopeItem } from '../../../domain/policy/policy.types.ts';
import { Markdown, MarkdownInline } from '../components/markdown.tsx';
import { effectiveClock } from '../../../domain/policy/render-security-md.ts';
import { clockLabel } from '../../../domain/sla/clocks.ts';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function slaFor(policy: Policy, severity: Severity | null, clock: ClockName): string {
  const d = effectiveClock(policy, severity, clock);
  return d ? formatDuration(d) : '—';
}

export function StatusNotes(props: { policy: Policy }) {
  if (!props.policy.statusNotes.length) return null;
  return (
    <div class="alert warn" role="note">
      {props.policy.statusNotes.map((n) => (
        <p>{n}</p>
      ))}
    </div>
  );
}

export function ScopeList(props: { items: ScopeItem[] }) {
  return (
    <ul class="scope-list">
      {props.items.map((i) => (
        <li id={`scope-${i.id}`}>
          <strong>{i.title}</strong>
          {i.reason ? <span> — {i.reason}</span> : null}
          {i.redirect ? (
            <span class="redirect">
              {' '}
              Instead: <MarkdownInline text={i.redirect} />
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function ScopeSection(props: { policy: Policy }) {
  const { inScope, outOfScope } = props.policy.scope;
  if (!inScope.length && !outOfScope.length) return null;
  return (
    <section class="card" id="scope">
      <h2>What to report</h2>
      {inScope.length ? <ScopeList items={inScope} /> : <p>Any security vulnerability in this project.</p>}
      {outOfScope.length ? (
        <>
          <h3>What not to report here</h3>
          <ScopeList items={outOfScope} />
        </>
      ) : null}
    </section>
  );
}

export function SupportedVersionsSection(props: { policy: Policy }) {
  const rows = props.policy.supportedVersions;
  if (!rows.length) return null;
  return (
    <section class="card" id="supported-versions">
      <h2>Supported versions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Versions</th>
            <th scope="col">Security fixes</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <code>{r.range}</code>
              </td>
              <td>{r.supported ? '✅ Supported' : '❌ Not supported'}</td>
              <td>{r.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function SlaSection(props: { policy: Policy }) {
  const { sla } = props.policy;
  const severities = SEVERITIES.filter((s) => sla.bySeverity[s]);
  const days = sla.businessDays.map((d) => WEEKDAYS[d - 1]).join(', ');
  return (
    <section class="card" id="response-times">
      <h2>What to expect</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            {CLOCKS.map((c) => (
              <th scope="col">{clockLabel(c)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {severities.map((s) => (
            <tr>
              <th scope="row">{s[0]!.toUpperCase() + s.slice(1)}</th>
              {CLOCKS.map((c) => (
                <td>{slaFor(props.policy, s, c)}</td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">{severities.length ? 'Any other / not yet assessed' : 'Every report'}</th>
            {CLOCKS.map((c) => (
              <td>{slaFor(props.policy, null, c)}</td>
            ))}
          </tr>
        </tbody>
      </table>
      <p class="muted">
        Acknowledgement is counted from receipt, the initial assessment from acknowledgement, fix and
        disclosure from triage. Times are kept in the {sla.timeZone} time zone; business days are {days}
        {sla.holidays.length ? `, except ${sla.holidays.join(', ')}` : ''}.
        {sla.needsInfoPausesClocks
          ? ' While we wait for more information from you, the clocks are paused.'
          : ''}
      </p>
    </section>
  );
}

export function DisclosureSection(props: { policy: Policy }) {
  const { disclosure, credit, announcements, timeline } = props.policy;
  return (
    <section class="card" id="disclosure">
      <h2>Disclosure and credit</h2>
      <p>
        We coordinate disclosure with you. Embargoes last {disclosure.defaultEmbargoDays} days by default and
        never more than {disclosure.maxEmbargoDays} days.
        {disclosure.discloseWhenMitigationExists
          ? ' Once a mitigation exists we publish it, even before the fix is released.'
          : ''}
      </p>
      <Markdown text={disclosure.notes} />
      {timeline.length ? (
        <>
          <h3>Timeline</h3>
          <dl class="timeline-steps">
            {timeline.map((t) => (
              <>
                <dt>{t.when}</dt>
                <dd>{t.what}</dd>
              </>
            ))}
          </dl>
        </>
      ) : null}
      <h3>Credit</h3>
      <p>
        {credit.reporterChooses
          ? 'You choose how you are credited: by name, by handle, or not at all.'
          : 'Reporters are credited in the advisory.'}
      </p>
      <Markdown text={credit.notes} />
      {announcements.length ? (
        <>
          <h3>Announcements</h3>
          <ul>
            {announcements.map((a) => (
              <li>
                <a href={a.uri}>{a.name}</a>
                {a.notes ? ` — ${a.notes}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
