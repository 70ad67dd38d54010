// "Shared with you" on the inbox: the cases a person was invited to as a collaborator or as a
// party's contact, outside any team membership.
import { EmbargoNotice } from '../components/embargo.tsx';
import type { SharedCase } from '../../../services/coordination/collaborator.service.ts';

export function SharedCases(props: { cases: SharedCase[] }) {
  if (!props.cases.length) return null;
  return (
    <section class="card" id="shared">
      <h2>Shared with you</h2>
      <ul>
        {props.cases.map((c) => (
          <li key={c.key}>
            <a href={`/cases/${c.key}`}>{c.key}</a> — {c.title} ({c.as === 'party' ? 'party' : 'collaborator'}
            )
            <EmbargoNotice embargo={c.embargo} />
          </li>
        ))}
      </ul>
    </section>
  );
}
