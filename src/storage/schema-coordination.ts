// Kysely table types of coordination and account security (migration 2026-11-26-coordination):
// collaborators, parties and their contacts, moved-case key aliases, the audit log, recovery codes
// and passkeys.
import type { Generated, Selectable } from 'kysely';

export type PartyStatus = 'unknown' | 'affected' | 'not-affected' | 'fixed';

/** A person given access to one case only (need-to-know), e.g. the developer who will fix it. */
export interface CaseCollaboratorsTable {
  case_id: string;
  user_id: string;
  added_by: string | null;
  created_at: string;
  last_viewed_at: string | null;
}

/** A vendor or distributor invited to a case under its embargo. */
export interface CasePartiesTable {
  id: string;
  case_id: string;
  organisation: string;
  status: Generated<PartyStatus>;
  /** The party's public statement, published with the advisory. */
  statement: string | null;
  created_at: string;
  created_by: string | null;
  notified_at: string | null;
  viewed_at: string | null;
  last_active_at: string | null;
  reminded_at: string | null;
  status_changed_at: string | null;
}

/** A person who speaks for a party; an account, so that access is checked like any other. */
export interface PartyContactsTable {
  party_id: string;
  user_id: string;
  /** Armored OpenPGP public key: mail to this contact is encrypted when set. */
  pgp_key: string | null;
  created_at: string;
}

export interface CaseKeyAliasesTable {
  key: string;
  case_id: string;
  created_at: string;
}

/** Append-only; `hash` = sha256 over `prev_hash` and the entry (see services/audit/audit-chain.ts). */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  action: string;
  actor_kind: 'user' | 'reporter' | 'system' | 'anonymous';
  actor_user_id: string | null;
  /** The actor as shown to auditors (e-mail), kept even if the account is deleted later. */
  actor_label: string | null;
  ip: string | null;
  project_id: string | null;
  case_id: string | null;
  target: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface PasskeysTable {
  id: string;
  user_id: string;
  name: string;
  public_key: string;
  counter: number;
  transports: string | null;
  created_at: string;
  last_used_at: string | null;
}

export type CasePartyRow = Selectable<CasePartiesTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type PasskeyRow = Selectable<PasskeysTable>;
