// A case's SLA clocks as a table: what is due when (in the policy's time zone, with UTC beside it)
// and whether it is on track, at risk, overdue, met or missed. Shared by the team's and the reporter's pages.
import { DateTime } from 'luxon';
import type { Deadlines } from '../../../services/presenters/deadline.presenter.ts';

const STATUS_LABEL: Record<string, string> = {
  'on-track': 'On track',
  'at-risk': 'At risk',
  overdue: 'Overdue',
  met: 'Met',
  missed: 'Missed',
};

/** `Tue 24 Mar 2026, 17:00 CET` in the zone given. */
export function inZone(at: string, zone: string): string {
  const d = DateTime.fromISO(at, { zone: 'utc' }).setZone(zone);
  return d.isValid ? d.toFormat('ccc d LLL yyyy, HH:mm ZZZZ') : at;
}

export function ClockStatus(props: { status: string; paused?: boolean }) {
  return (
    <span class={`badge clock-${props.status}`}>
      {STATUS_LABEL[props.status] ?? props.status}
      {props.paused ? ' (paused)' : ''}
    </span>
  );
}

export function DeadlinesTable(props: { deadlines: Deadlines; audience: 'team' | 'reporter' }) {
  const { deadlines } = props;
  if (!deadlines.clocks.length) return <p class="muted">No response clock is running for this case.</p>;
  return (
    <>
      <table class="deadlines">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {deadlines.clocks.map((c) => (
            <tr key={c.clock} id={`clock-${c.clock}`}>
              <th scope="row">
                {c.label}
                <span class="hint">within {c.commitment}</span>
              </th>
              <td>
                <time datetime={c.dueAt}>{inZone(c.dueAt, deadlines.timeZone)}</time>
                {c.stoppedAt ? (
                  <span class="hint">done {inZone(c.stoppedAt, deadlines.timeZone)}</span>
                ) : null}
              </td>
              <td>
                <ClockStatus status={c.status} paused={c.paused} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">
        Times in {deadlines.timeZone}
        {props.audience === 'team' ? `, under policy version ${deadlines.policyVersion}` : ''}.
        {deadlines.clocks.some((c) => c.paused)
          ? ' Paused while waiting for information from the reporter.'
          : ''}
      </p>
    </>
  );
}
