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
export type * from './schema-channels.ts';

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
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
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
}

/** One-time links: first-admin setup and account activation (and later password reset). */
export interface AccountTokensTable {
  token_hash: string;
  purpose: 'setup' | 'activate';
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
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: string;
  at: string;
  type: string;
  actor_kind: 'reporter' | 'user' | 'system';
  actor_user_id: string | null;
  /** `reporter`: shown on the reporter's page and API; `internal`: team only. */
  visibility: 'reporter' | 'internal';
  message_id: string | null;
  data: string;
}

export interface MessagesTable {
  id: string;
  case_id: string;
  author_kind: 'reporter' | 'user';
  author_user_id: string | null;
  visibility: 'reporter' | 'internal';
  channel: string;
  body: string;
  created_at: string;
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
