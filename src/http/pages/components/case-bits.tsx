// Small pieces of case pages shared by the team's and the reporter's views: badges, dates, timeline.
import type { TimelineEntry } from '../../../services/presenters/case.presenter.ts';
import { CASE_STATE_LABELS as STATE_LABEL } from '../../../domain/case-state.ts';

export function stateLabel(state: string): string {
  return STATE_LABEL[state] ?? state;
}

export function StateBadge(props: { state: string; resolution?: string | null | undefined }) {
  const text =
    props.state === 'closed' && props.resolution
      ? `Closed: ${props.resolution.replace(/-/g, ' ')}`
      : stateLabel(props.state);
  return <span class={`badge state-${props.state}`}>{text}</span>;
}

export function SeverityBadge(props: { severity: string | null }) {
  if (!props.severity) return null;
  return (
    <span class={`badge sev-${props.severity}`}>
      {props.severity[0]!.toUpperCase() + props.severity.slice(1)}
    </span>
  );
}

/** A UTC timestamp shown readably; the machine-readable value stays in `datetime`. */
export function When(props: { at: string }) {
  const d = new Date(props.at);
  const text = Number.isNaN(d.getTime()) ? props.at : d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return <time datetime={props.at}>{text}</time>;
}

function describe(e: TimelineEntry): string {
  const d = e.data;
  switch (e.type) {
    case 'report.created':
      return `submitted the report${d.channel ? ` (${String(d.channel)})` : ''}`;
    case 'state.changed':
      return `changed the state from ${stateLabel(String(d.from))} to ${stateLabel(String(d.to))}${d.resolution ? ` (${String(d.resolution).replace(/-/g, ' ')})` : ''}`;
    case 'severity.changed':
      return d.to ? `set the severity to ${String(d.to)}` : 'cleared the severity';
    case 'assignee.changed':
      return d.assignee ? `assigned the case to ${String(d.assignee)}` : 'unassigned the case';
    case 'needs-info.changed':
      return d.value ? 'asked for more information' : 'marked the information request as answered';
    case 'title.changed':
      return 'changed the title';
    case 'credit.changed':
      return 'changed how the reporter is credited';
    case 'contact.changed':
      return 'changed the reporter’s contact address';
    case 'message':
      return 'wrote';
    case 'note':
      return 'wrote an internal note';
    case 'party.message':
      return 'wrote';
    case 'party.added':
      return `invited the party ${String(d.organisation)}`;
    case 'party.removed':
      return `removed the party ${String(d.organisation)}`;
    case 'party.status-changed':
      return `set the status of ${String(d.organisation ?? 'the party')} to ${String(d.to)}${d.statementChanged ? ' and changed its statement' : ''}`;
    case 'parties.notified':
      return `mailed the invitation to ${String(d.count)} part${d.count === 1 ? 'y' : 'ies'}`;
    case 'party.reminded':
      return `reminded ${String(d.organisation)}, which has not answered`;
    case 'collaborator.added':
      return `added ${String(d.name)} as a collaborator on this case`;
    case 'collaborator.removed':
      return 'removed a collaborator';
    case 'case.viewed':
      return d.as === 'party' ? 'viewed the case (party)' : 'viewed the case (collaborator)';
    case 'embargo.changed':
      return d.to ? `set the embargo to end ${String(d.local ?? d.to)}` : 'lifted the embargo end date';
    case 'party-summary.changed':
      return 'changed the summary shared with parties';
    case 'case.transferred':
      return `moved the case from ${String(d.from)} (${String(d.fromProject)}) to ${String(d.to)} (${String(d.toProject)})`;
    case 'case.downgraded':
      return `judged the report not to be a security issue${d.issueUrl ? '; it continues in public' : ''}`;
    default:
      return e.type;
  }
}

export function Timeline(props: { entries: TimelineEntry[] }) {
  if (!props.entries.length) return <p class="muted">Nothing yet.</p>;
  return (
    <ol class="timeline">
      {props.entries.map((e) => (
        <li
          key={e.id}
          id={`event-${e.id}`}
          class={
            [e.message ? 'message' : '', e.visibility === 'internal' ? 'internal' : ''].join(' ').trim() ||
            undefined
          }
        >
          <div class="meta">
            <strong>{e.actor.name}</strong> {describe(e)} · <When at={e.at} />
            {e.visibility === 'internal' ? (
              <span class="badge"> Internal — never shown to the reporter</span>
            ) : null}
            {e.party !== undefined ? (
              <span class="badge party">
                {' '}
                {e.party ? `Party thread: ${e.party.organisation}` : 'Shared with every party'}
              </span>
            ) : null}
          </div>
          {e.type === 'case.downgraded' && typeof e.data.issueUrl === 'string' ? (
            <p>
              Public issue: <a href={e.data.issueUrl}>{e.data.issueUrl}</a>
            </p>
          ) : null}
          {e.message ? <div class="prose">{e.message.body}</div> : null}
        </li>
      ))}
    </ol>
  );
}
