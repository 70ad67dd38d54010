// What a party (a vendor or distributor invited under embargo) sees of a case: the key, title and
// project, the embargo, the summary the team wrote for parties, its own party's status and
// contacts, and the messages shared with every party or with its own party. Never the reporter's
// text, the reporter's identity, internal notes, or other parties' threads.
import type { CasePartyRow, CaseRow, ProjectRow } from '../../storage/schema.ts';
import type { EmbargoView } from '../../domain/embargo.ts';
import type { TimelineEntry } from './case.presenter.ts';

export interface PartyCaseView {
  audience: 'party';
  id: string;
  key: string;
  title: string;
  project: { slug: string; name: string };
  state: string;
  embargo: EmbargoView | null;
  summary: string | null;
  party: {
    id: string;
    organisation: string;
    status: string;
    statement: string | null;
    notifiedAt: string | null;
  };
  contacts: Array<{ name: string; email: string; hasPgpKey: boolean }>;
  timeline: TimelineEntry[];
}

export function presentForParty(
  c: CaseRow,
  p: ProjectRow,
  party: CasePartyRow,
  contacts: Array<{ name: string; email: string; pgp_key: string | null }>,
  embargo: EmbargoView | null,
  timeline: TimelineEntry[],
): PartyCaseView {
  return {
    audience: 'party',
    id: c.id,
    key: c.key,
    title: c.title,
    project: { slug: p.slug, name: p.name },
    state: c.state,
    embargo,
    summary: c.party_summary,
    party: {
      id: party.id,
      organisation: party.organisation,
      status: party.status,
      statement: party.statement,
      notifiedAt: party.notified_at,
    },
    contacts: contacts.map((x) => ({ name: x.name, email: x.email, hasPgpKey: !!x.pgp_key })),
    timeline,
  };
}

/** Timeline entries a party sees besides its threads: the embargo changes, whoever made them. */
export const PARTY_SHARED_EVENT_TYPES: ReadonlySet<string> = new Set(['embargo.changed']);
