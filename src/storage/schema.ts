// Kysely table types. Timestamps are ISO-8601 UTC strings and booleans are 0/1 integers on both
// SQLite and PostgreSQL, so one set of queries and one migration set serve both dialects.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AdvisoriesTable,
  AdvisoryCasesTable,
  AdvisoryCommitsTable,
  AdvisoryCountersTable,
  AdvisoryPackagesTable,
  AdvisoryRevisionsTable,
} from './schema-advisories.ts';
import type {
  AttachmentsTable,
  InboundMailTable,
  ProjectKeysTable,
  SubscribersTable,
  WebhooksTable,
} from './schema-channels.ts';

export type * from './schema-advisories.ts';
import type {
  AuditLogTable,
  CaseCollaboratorsTable,
  CaseKeyAliasesTable,
  CasePartiesTable,
  PartyContactsTable,
  PasskeysTable,
  RecoveryCodesTable,
} from './schema-coordination.ts';

export type * from './schema-channels.ts';
export type * from './schema-coordination.ts';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  created_at: string;
  disabled_at: string | null;
  /** JSON of the user's mail preferences; absent keys take the defaults (see mail-prefs.ts). */
  mail_prefs: Generated<string>;
  /** TOTP secret, encrypted with the instance key; set while enrolling, active once totp_enabled_at is. */
  totp_secret: Generated<string | null>;
  totp_enabled_at: Generated<string | null>;
  /** The last TOTP time step accepted: a code is good once (migration 2026-11-27-accounts). */
  totp_last_step: Generated<number | null>;
  /** Failed second-factor attempts since the last success, and when the last one failed. */
  mfa_failures: Generated<number>;
  mfa_failed_at: Generated<string | null>;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  /** null: password given, second step pending; else how the login was completed. */
  second_factor: Generated<'none' | 'totp' | 'passkey' | 'recovery' | null>;
  /** A pending WebAuthn challenge for this session. */
  challenge: Generated<string | null>;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  /** Comma-separated scopes (see domain/token-scopes.ts). */
  scopes: Generated<string>;
}

/** One-time links: first-admin setup, account activation, password reset; passkey sign-in challenges. */
export interface AccountTokensTable {
  token_hash: string;
  purpose: 'setup' | 'activate' | 'reset' | 'passkey';
  user_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ProjectsTable {
  id: string;
  slug: string;
  name: string;
  key: string;
  description: string;
  last_case_number: number;
  created_at: string;
  /** The policy in force; 0 is the built-in default policy. */
  policy_version: Generated<number>;
  /** The umbrella project this one is a component of; its advisories show in the umbrella's lists. */
  parent_id: Generated<string | null>;
  /** 1: every member of the team must have a second factor to act on the project. */
  require_2fa: Generated<number>;
}

/** Every saved version of a project's policy file, kept for the cases opened under it. */
export interface PoliciesTable {
  project_id: string;
  version: number;
  /** The YAML as the maintainer wrote it (comments and all). */
  source: string;
  note: string;
  created_at: string;
  created_by: string | null;
}

export interface MembershipsTable {
  project_id: string;
  user_id: string;
  role: 'maintainer' | 'responder';
  created_at: string;
}

export interface CasesTable {
  id: string;
  project_id: string;
  number: number;
  key: string;
  title: string;
  description: string;
  steps_to_reproduce: string;
  impact: string;
  affected_versions: string;
  suggested_fix: string | null;
  reporter_email: string | null;
  reporter_user_id: string | null;
  reporter_token_hash: string;
  credit_preference: string;
  credit_name: string | null;
  channel: string;
  state: string;
  resolution: string | null;
  severity: string | null;
  needs_info: number;
  assignee_id: string | null;
  duplicate_of_id: string | null;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  triaged_at: string | null;
  fixed_at: string | null;
  disclosed_at: string | null;
  closed_at: string | null;
  /** The policy version the case was opened under; its clocks follow that version. */
  policy_version: Generated<number>;
  /** The affected version checked against the policy's supported versions. */
  version_status: 'supported' | 'unsupported' | 'unknown' | null;
  /** The out-of-scope category the reporter picked, if any (a policy scope item id). */
  scope_category: string | null;
  cvss3_vector: string | null;
  cvss4_vector: string | null;
  /** Why the team set a severity other than the one the CVSS score maps to. */
  severity_reason: string | null;
  /** Earliest due time of a running clock, kept for sorting the inbox by deadline. */
  next_due_at: string | null;
  /** JSON list of needs-info intervals `{from, to}` (to null while waiting); clocks pause over them. */
  needs_info_log: Generated<string>;
  /** The reporter's armored OpenPGP public key; mail to the reporter is encrypted when set. */
  reporter_pgp_key: Generated<string | null>;
  /** The case's embargo: the UTC instant it ends and the zone the team set it in. */
  embargo_ends_at: Generated<string | null>;
  embargo_zone: Generated<string | null>;
  /** What parties are told about the case (they never see the reporter's text). */
  party_summary: Generated<string | null>;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: string;
  at: string;
  type: string;
  actor_kind: 'reporter' | 'user' | 'system';
  actor_user_id: string | null;
  /** `reporter`: shown on the reporter's page and API; `internal`: team only; `parties`: see party_id. */
  visibility: 'reporter' | 'internal' | 'parties';
  message_id: string | null;
  data: string;
  /** For `parties` entries: null = every party of the case, else only that party. */
  party_id: Generated<string | null>;
}

export interface MessagesTable {
  id: string;
  case_id: string;
  author_kind: 'reporter' | 'user';
  author_user_id: string | null;
  visibility: 'reporter' | 'internal' | 'parties';
  channel: string;
  body: string;
  created_at: string;
  /** For `parties` messages: null = to every party, else that party's private thread with the team. */
  party_id: Generated<string | null>;
}

export interface CaseChecklistItemsTable {
  case_id: string;
  checklist_id: string;
  item_id: string;
  checked: number;
  changed_at: string;
  changed_by: string | null;
}

/** Durable background work; see src/jobs/runner.ts for the lease and retry rules. */
export interface JobsTable {
  id: string;
  kind: string;
  /** JSON text handed to the job's handler. */
  payload: string;
  status: 'queued' | 'running' | 'done' | 'dead';
  run_at: string;
  /** Claims so far, counted when a runner takes the job, so a job that kills its worker still ends. */
  attempts: number;
  max_attempts: number;
  /** The runner holding the job while it runs. */
  locked_by: string | null;
  /** End of that runner's lease; after it another runner may take the job again. */
  locked_until: string | null;
  last_error: string | null;
  /** Set for idempotent enqueueing (a schedule tick, a notice per case and clock): one job per key. */
  unique_key: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Every outgoing notification, kept until delivered (or given up) so none is lost or sent twice. */
export interface OutboxTable {
  id: string;
  channel: 'email' | 'in-app' | 'webhook';
  recipient_user_id: string | null;
  /** E-mail address or webhook URL. */
  recipient_address: string | null;
  case_id: string | null;
  kind: string;
  subject: string;
  body: string;
  payload: string;
  dedupe_key: string;
  status: 'pending' | 'sent' | 'failed' | 'held';
  attempts: number;
  next_attempt_at: string | null;
  sent_at: string | null;
  last_error: string | null;
  created_at: string;
  /** The project a row belongs to (webhook delivery logs, announcement counts). */
  project_id: Generated<string | null>;
  /** What the row was made for: a webhook id, a subscriber id. */
  source_id: Generated<string | null>;
  last_attempt_at: Generated<string | null>;
  /** The last attempt's answer (SMTP response, HTTP status and body start), for the delivery log. */
  last_response: Generated<string | null>;
  /** The delivery worker holding the row, and until when (see jobs/outbox-worker.ts). */
  locked_by: Generated<string | null>;
  locked_until: Generated<string | null>;
}

/** A user's in-app notices (the bell). */
export interface NotificationsTable {
  id: string;
  user_id: string;
  case_id: string | null;
  kind: string;
  title: string;
  body: string;
  /** A path inside Parley, e.g. `/cases/FLUX-3`. */
  link: string;
  dedupe_key: string;
  created_at: string;
  read_at: string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  account_tokens: AccountTokensTable;
  projects: ProjectsTable;
  memberships: MembershipsTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  messages: MessagesTable;
  policies: PoliciesTable;
  case_checklist_items: CaseChecklistItemsTable;
  jobs: JobsTable;
  outbox: OutboxTable;
  notifications: NotificationsTable;
  advisories: AdvisoriesTable;
  advisory_revisions: AdvisoryRevisionsTable;
  advisory_cases: AdvisoryCasesTable;
  advisory_packages: AdvisoryPackagesTable;
  advisory_commits: AdvisoryCommitsTable;
  advisory_counters: AdvisoryCountersTable;
  project_keys: ProjectKeysTable;
  inbound_mail: InboundMailTable;
  attachments: AttachmentsTable;
  subscribers: SubscribersTable;
  webhooks: WebhooksTable;
  case_collaborators: CaseCollaboratorsTable;
  case_parties: CasePartiesTable;
  party_contacts: PartyContactsTable;
  case_key_aliases: CaseKeyAliasesTable;
  audit_log: AuditLogTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
}

export type UserRow = Selectable<UsersTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type CaseRow = Selectable<CasesTable>;
export type NewCaseRow = Insertable<CasesTable>;
export type CaseUpdate = Updateable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type PolicyRow = Selectable<PoliciesTable>;
export type ChecklistItemRow = Selectable<CaseChecklistItemsTable>;
export type JobRow = Selectable<JobsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type AdvisoryRow = Selectable<AdvisoriesTable>;
export type NewAdvisoryRow = Insertable<AdvisoriesTable>;
export type AdvisoryUpdate = Updateable<AdvisoriesTable>;
export type AdvisoryRevisionRow = Selectable<AdvisoryRevisionsTable>;
