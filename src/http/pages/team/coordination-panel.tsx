// The coordination part of the team's case page: the embargo, the summary parties read, the
// collaborators invited to this case, and the parties with their status, contacts and activity.
// Every form is a plain POST (CSRF, no JavaScript needed); see coordination.routes.tsx.
import type { Services } from '../../../services/index.ts';
import type { Actor } from '../../../services/actor.ts';
import type { TeamCaseView } from '../../../services/presenters/case.presenter.ts';
import type { CollaboratorView } from '../../../services/coordination/collaborator.service.ts';
import type { PartyView } from '../../../services/coordination/party.service.ts';
import { PARTY_STATUSES } from '../../../services/coordination/party.service.ts';
import { Csrf } from '../components/form.tsx';
import { When } from '../components/case-bits.tsx';
import { EmbargoNotice } from '../components/embargo.tsx';

export interface Coordination {
  collaborators: CollaboratorView[];
  parties: PartyView[];
}

export async function loadCoordination(
  services: Services,
  actor: Actor,
  ref: { key: string },
): Promise<Coordination> {
  const [collaborators, parties] = await Promise.all([
    services.collaborators.list(actor, ref),
    services.parties.list(actor, ref),
  ]);
  return { collaborators, parties };
}

const STATUS_LABEL: Record<string, string> = {
  unknown: 'Unknown',
  affected: 'Affected',
  'not-affected': 'Not affected',
  fixed: 'Fixed',
};

function Stamp(props: { at: string | null }) {
  return props.at ? <When at={props.at} /> : <span class="muted">—</span>;
}

function PartySelect(props: { parties: PartyView[]; id: string; all?: string }) {
  return (
    <select name="partyId" id={props.id}>
      {props.all ? <option value="">{props.all}</option> : null}
      {props.parties.map((p) => (
        <option key={p.id} value={p.id}>
          {p.organisation}
        </option>
      ))}
    </select>
  );
}

export function EmbargoCard(props: { view: TeamCaseView; csrf: string }) {
  const base = `/cases/${props.view.key}`;
  const e = props.view.embargo;
  return (
    <section class="card" id="embargo">
      <h2>Embargo</h2>
      <EmbargoNotice embargo={e} none="No embargo end is set." />
      <form method="post" action={`${base}/embargo`} class="actions">
        <Csrf token={props.csrf} />
        <div>
          <label for="embargo-at">Ends (local date and time)</label>
          <input type="datetime-local" id="embargo-at" name="at" value={e ? e.local.replace(' ', 'T') : ''} />
        </div>
        <div>
          <label for="embargo-zone">Time zone</label>
          <input
            type="text"
            id="embargo-zone"
            name="zone"
            value={e?.zone ?? 'UTC'}
            placeholder="Europe/Berlin"
          />
        </div>
        <button type="submit">Set embargo</button>
        {e ? (
          <button type="submit" name="lift" value="true" class="secondary">
            Lift
          </button>
        ) : null}
      </form>
      <p class="hint">Every party is mailed when the embargo changes; the reporter sees it on their page.</p>
    </section>
  );
}

export function CollaboratorsCard(props: { view: TeamCaseView; csrf: string; list: CollaboratorView[] }) {
  const base = `/cases/${props.view.key}`;
  return (
    <section class="card" id="collaborators">
      <h2>Collaborators</h2>
      <p class="hint">
        People who see this case only — say the developer writing the fix. Their reads are recorded.
      </p>
      {props.list.length ? (
        <ul>
          {props.list.map((c) => (
            <li key={c.id}>
              {c.name} &lt;{c.email}&gt; · last viewed <Stamp at={c.lastViewedAt} />
              <form method="post" action={`${base}/collaborators/remove`} class="inline">
                <Csrf token={props.csrf} />
                <input type="hidden" name="userId" value={c.id} />
                <button type="submit" class="link">
                  Remove
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : null}
      <form method="post" action={`${base}/collaborators`}>
        <Csrf token={props.csrf} />
        <label for="collab-email">Invite by e-mail</label>
        <input type="email" id="collab-email" name="email" required />
        <label for="collab-name">Name</label>
        <input type="text" id="collab-name" name="name" />
        <div class="actions">
          <button type="submit">Invite to this case</button>
        </div>
      </form>
    </section>
  );
}

export function PartiesCard(props: { view: TeamCaseView; csrf: string; parties: PartyView[] }) {
  const base = `/cases/${props.view.key}`;
  const { parties } = props;
  const counts = PARTY_STATUSES.map(
    (s) => `${parties.filter((p) => p.status === s).length} ${STATUS_LABEL[s]!.toLowerCase()}`,
  );
  const pending = parties.filter((p) => !p.notifiedAt).length;
  return (
    <section class="card" id="parties">
      <h2>Parties ({parties.length})</h2>
      <p class="hint">
        Vendors and distributors under the embargo. They see only the summary below and what you write to
        parties.
      </p>
      {parties.length ? (
        <>
          <p>{counts.join(' · ')}</p>
          <table class="parties">
            <thead>
              <tr>
                <th>Organisation</th>
                <th>Status</th>
                <th>Contacts</th>
                <th>Notified</th>
                <th>Viewed</th>
                <th>Last active</th>
              </tr>
            </thead>
            <tbody>
              {parties.map((p) => (
                <tr key={p.id} id={`party-${p.id}`}>
                  <td>
                    {p.organisation}
                    {p.statement ? <div class="hint">{p.statement}</div> : null}
                  </td>
                  <td>{STATUS_LABEL[p.status]}</td>
                  <td>{p.contacts.map((c) => c.email + (c.hasPgpKey ? ' (PGP)' : '')).join(', ')}</td>
                  <td>
                    <Stamp at={p.notifiedAt} />
                  </td>
                  <td>
                    <Stamp at={p.viewedAt} />
                  </td>
                  <td>
                    <Stamp at={p.lastActiveAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {pending ? (
            <form method="post" action={`${base}/parties/notify`} class="actions">
              <Csrf token={props.csrf} />
              <button type="submit">Mail the invitation to the {pending} parties not told yet</button>
            </form>
          ) : null}
          <form method="post" action={`${base}/parties/status`} class="actions">
            <Csrf token={props.csrf} />
            <div>
              <label for="status-party">Party</label>
              <PartySelect parties={parties} id="status-party" />
            </div>
            <div>
              <label for="status-value">Status</label>
              <select name="status" id="status-value">
                {PARTY_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABEL[s]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="status-statement">Statement</label>
              <input type="text" name="statement" id="status-statement" />
            </div>
            <button type="submit" class="secondary">
              Set status
            </button>
          </form>
          <form method="post" action={`${base}/parties/contacts`} class="actions">
            <Csrf token={props.csrf} />
            <div>
              <label for="contact-party">Add a contact to</label>
              <PartySelect parties={parties} id="contact-party" />
            </div>
            <div>
              <label for="contact-email">E-mail</label>
              <input type="email" name="email" id="contact-email" required />
            </div>
            <div>
              <label for="contact-key">OpenPGP public key (optional)</label>
              <textarea name="pgpKey" id="contact-key" rows={2}></textarea>
            </div>
            <button type="submit" class="secondary">
              Add contact
            </button>
          </form>
          <form method="post" action={`${base}/parties/remove`} class="actions">
            <Csrf token={props.csrf} />
            <div>
              <label for="remove-party">Remove party</label>
              <PartySelect parties={parties} id="remove-party" />
            </div>
            <button type="submit" class="secondary">
              Remove
            </button>
          </form>
        </>
      ) : null}
      <form method="post" action={`${base}/parties`}>
        <Csrf token={props.csrf} />
        <label for="party-org">Invite an organisation</label>
        <input type="text" id="party-org" name="organisation" required maxLength={200} />
        <label for="party-contacts">
          Contacts <span class="hint">one per line: Name &lt;address&gt;</span>
        </label>
        <textarea id="party-contacts" name="contacts" rows={2} required></textarea>
        <input type="hidden" name="notify" value="false" />
        <label>
          <input type="checkbox" name="notify" value="true" checked /> Mail the invitation now
        </label>
        <div class="actions">
          <button type="submit">Invite party</button>
        </div>
      </form>
      <form method="post" action={`${base}/party-summary`} id="party-summary">
        <Csrf token={props.csrf} />
        <label for="summary-text">
          Summary for parties <span class="hint">what parties read instead of the report</span>
        </label>
        <textarea id="summary-text" name="summary" rows={4}>
          {props.view.partySummary ?? ''}
        </textarea>
        <div class="actions">
          <button type="submit" class="secondary">
            Save summary
          </button>
        </div>
      </form>
    </section>
  );
}

/** The message form for parties: to every party, or to one party's private thread. */
export function PartyMessageForm(props: { view: TeamCaseView; csrf: string; parties: PartyView[] }) {
  if (!props.parties.length) return null;
  return (
    <form method="post" action={`/cases/${props.view.key}/messages`} id="to-parties">
      <Csrf token={props.csrf} />
      <input type="hidden" name="audience" value="parties" />
      <label for="parties-body">
        Write to parties <span class="hint">Parties never see the reporter’s thread or internal notes.</span>
      </label>
      <textarea id="parties-body" name="body" rows={3}></textarea>
      <div class="actions">
        <div>
          <label for="parties-to">To</label>
          <PartySelect parties={props.parties} id="parties-to" all="Every party" />
        </div>
        <button type="submit" class="secondary">
          Send to parties
        </button>
      </div>
    </form>
  );
}
