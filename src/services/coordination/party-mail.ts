// Mail to party contacts and about party activity, queued in the caller's transaction. Mail to a
// contact with an OpenPGP key is encrypted to it and may then carry the message text; otherwise a
// mail names the case and links to it.
import type { Kysely } from 'kysely';
import type { CaseRow, Database } from '../../storage/schema.ts';
import * as coordination from '../../storage/repositories/coordination.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import { listTeamRecipients } from '../../storage/repositories/mail-prefs.repository.ts';
import { describeEmbargo } from '../../domain/embargo.ts';
import { queueMail } from '../outbox/outbox-queue.ts';
import type { ServiceDeps } from '../deps.ts';
import type { MailText } from '../notify/case-mail-texts.ts';
import type { CoordinationMailContext } from './coordination-mail-texts.ts';

export type ContactText = (
  c: CoordinationMailContext,
  contact: { encrypted: boolean; partyId: string },
) => MailText;

export function caseUrl(deps: ServiceDeps, row: CaseRow): string {
  return new URL(`/cases/${encodeURIComponent(row.key)}`, deps.publicUrl).toString();
}

/**
 * Mails every contact of the given parties (every party of the case when `partyIds` is null).
 * `activation` maps user ids to activation links for contacts invited just now.
 */
export async function mailPartyContacts(
  db: Kysely<Database>,
  deps: ServiceDeps,
  row: CaseRow,
  partyIds: string[] | null,
  kind: string,
  occurrence: string,
  text: ContactText,
  activation: Map<string, string> = new Map(),
): Promise<number> {
  const project = await projects.findProjectById(db, row.project_id);
  if (!project) return 0;
  const contacts = await coordination.listContacts(db, row.id, partyIds ?? undefined);
  const embargo = describeEmbargo(row.embargo_ends_at, row.embargo_zone, deps.clock.now());
  for (const c of contacts) {
    const t = text(
      {
        key: row.key,
        projectName: project.name,
        url: caseUrl(deps, row),
        activationUrl: activation.get(c.user_id),
        embargo,
      },
      { encrypted: !!c.pgp_key, partyId: c.party_id },
    );
    await queueMail(db, deps, {
      to: c.email,
      recipientUserId: c.user_id,
      caseId: row.id,
      projectId: row.project_id,
      kind,
      subject: t.subject,
      text: t.text,
      threadCaseId: row.id,
      encryptTo: c.pgp_key ?? undefined,
      dedupeKey: `mail:${kind}:${occurrence}:${c.party_id}:${c.user_id}`,
    });
  }
  return contacts.length;
}

/** Tells the team (the assignee when there is one) what a party did. */
export async function mailTeamAboutParty(
  db: Kysely<Database>,
  deps: ServiceDeps,
  row: CaseRow,
  kind: string,
  occurrence: string,
  text: MailText,
  exceptUserId: string | null,
): Promise<void> {
  const team = (await listTeamRecipients(db, row.project_id)).filter((m) => !m.disabled_at);
  const targets =
    row.assignee_id && team.some((m) => m.id === row.assignee_id)
      ? team.filter((m) => m.id === row.assignee_id)
      : team;
  for (const m of targets) {
    if (m.id === exceptUserId) continue;
    await queueMail(db, deps, {
      to: m.email,
      recipientUserId: m.id,
      caseId: row.id,
      projectId: row.project_id,
      kind,
      subject: text.subject,
      text: text.text,
      threadCaseId: row.id,
      dedupeKey: `mail:${kind}:${occurrence}:${m.id}`,
    });
  }
}
