// Kysely table types. Timestamps are ISO-8601 UTC strings and booleans are 0/1 integers on both
// SQLite and PostgreSQL, so one set of queries and one migration set serve both dialects.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  created_at: string;
  disabled_at: string | null;
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
}

export type UserRow = Selectable<UsersTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type CaseRow = Selectable<CasesTable>;
export type NewCaseRow = Insertable<CasesTable>;
export type CaseUpdate = Updateable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MembershipRow = Selectable<MembershipsTable>;
