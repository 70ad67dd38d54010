// The audit log's filters as the admin page's GET form and the API send them (strings), checked and
// turned into a repository query: an action or a group of actions, the actor's e-mail, a project
// slug, a case key, a date range and the paging cursor. Unknown projects and cases are field errors,
// so a typo does not look like "nothing happened".
import type { Kysely } from 'kysely';
import { ValidationError, type FieldError } from '../../domain/errors.ts';
import type { Database } from '../../storage/schema.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import { caseIdByKey, type AuditQuery } from '../../storage/repositories/audit.repository.ts';
import type { AuditAction } from './audit-log.ts';

/** The actions known when this list was written, offered as suggestions; any well-formed name filters. */
export const AUDIT_ACTION_NAMES = [
  'auth.login',
  'auth.login-failed',
  'auth.logout',
  'auth.second-factor',
  'auth.second-factor-failed',
  'auth.password-reset',
  'auth.password-changed',
  'account.totp-enabled',
  'account.totp-disabled',
  'account.recovery-codes',
  'account.passkey-added',
  'account.passkey-removed',
  'account.session-revoked',
  'account.token-created',
  'account.token-revoked',
  'account.created',
  'admin.created',
  'team.member-added',
  'team.role-changed',
  'team.member-removed',
  'project.created',
  'project.settings-changed',
  'project.policy-changed',
  'project.key-changed',
  'project.webhook-changed',
  'case.viewed',
  'case.state-changed',
  'case.collaborator-added',
  'case.collaborator-removed',
  'case.party-added',
  'case.party-removed',
  'case.party-contact-added',
  'case.embargo-changed',
  'case.transferred',
  'case.downgraded',
  'case.exported',
  'case.bulk-closed',
  'advisory.published',
  'advisory.scheduled',
  'advisory.withdrawn',
  'advisory.exported',
  'keys.rotated',
  'outbox.retried',
] as const satisfies readonly AuditAction[];

/** `case.*` for every case action and so on. */
export const AUDIT_GROUPS = [...new Set(AUDIT_ACTION_NAMES.map((a) => a.split('.')[0]!))].map(
  (g) => `${g}.*`,
);

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/** The filters as sent: every field a string (or absent). */
export interface AuditFilterInput {
  action?: unknown;
  actor?: unknown;
  project?: unknown;
  case?: unknown;
  from?: unknown;
  to?: unknown;
  before?: unknown;
  after?: unknown;
  limit?: unknown;
}

/** The filters as understood, echoed back so the form shows them and paging links keep them. */
export interface AuditFilterValues {
  action: string;
  actor: string;
  project: string;
  case: string;
  from: string;
  to: string;
}

const ACTION = /^[a-z][a-z0-9-]{0,30}(\.[a-z0-9-]{1,40}|\.\*)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TEXT = 254;

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function instant(field: string, raw: string, endOfDay: boolean, errors: FieldError[]): string | undefined {
  if (!raw) return undefined;
  // A bare date is a UTC day; `to` includes that whole day.
  const t = DATE.test(raw) ? Date.parse(`${raw}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0) : Date.parse(raw);
  if (raw.length > 40 || Number.isNaN(t)) {
    errors.push({ field, message: 'A date (2026-11-27) or date and time (2026-11-27T14:00Z).' });
    return undefined;
  }
  return new Date(t).toISOString();
}

function cursor(field: string, v: unknown, errors: FieldError[]): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    errors.push({ field, message: 'An entry id, a whole number.' });
    return undefined;
  }
  return n;
}

/** Checks the filters and resolves the e-mail, slug and key to ids. */
export async function parseAuditFilters(
  db: Kysely<Database>,
  input: AuditFilterInput,
): Promise<{ query: AuditQuery; values: AuditFilterValues }> {
  const errors: FieldError[] = [];
  const values: AuditFilterValues = {
    action: text(input.action).toLowerCase(),
    actor: text(input.actor).toLowerCase(),
    project: text(input.project).toLowerCase(),
    case: text(input.case).toUpperCase(),
    from: text(input.from),
    to: text(input.to),
  };
  const query: AuditQuery = { limit: AUDIT_PAGE_DEFAULT };
  if (values.action) {
    if (!ACTION.test(values.action))
      errors.push({
        field: 'action',
        message: 'An action such as case.state-changed, or a group such as case.*',
      });
    else if (values.action.endsWith('.*')) query.actionPrefix = values.action.slice(0, -1);
    else if (!values.action.includes('.')) query.actionPrefix = `${values.action}.`;
    else query.action = values.action;
  }
  if (values.actor) {
    if (values.actor.length > MAX_TEXT) errors.push({ field: 'actor', message: 'At most 254 characters.' });
    else {
      // By account where it exists (so entries from before an e-mail change match too), else as recorded.
      const user = await users.findUserByEmail(db, values.actor);
      if (user) query.actorUserId = user.id;
      else query.actorLabel = values.actor;
    }
  }
  if (values.project) {
    const p = values.project.length <= 64 ? await projects.findProjectBySlug(db, values.project) : undefined;
    if (!p) errors.push({ field: 'project', message: 'No project has this slug.' });
    else query.projectId = p.id;
  }
  if (values.case) {
    const id = values.case.length <= 40 ? await caseIdByKey(db, values.case) : undefined;
    if (!id) errors.push({ field: 'case', message: 'No case has this key.' });
    else query.caseId = id;
  }
  query.from = instant('from', values.from, false, errors);
  query.to = instant('to', values.to, true, errors);
  if (query.from && query.to && query.from >= query.to)
    errors.push({ field: 'to', message: 'The end is before the start.' });
  query.beforeId = cursor('before', input.before, errors);
  query.afterId = cursor('after', input.after, errors);
  if (query.beforeId !== undefined && query.afterId !== undefined)
    errors.push({ field: 'after', message: 'Page either to older (before) or to newer (after) entries.' });
  if (input.limit !== undefined && input.limit !== '') {
    const n = typeof input.limit === 'number' ? input.limit : Number(text(input.limit));
    if (!Number.isInteger(n) || n < 1 || n > AUDIT_PAGE_MAX)
      errors.push({ field: 'limit', message: `From 1 to ${AUDIT_PAGE_MAX}.` });
    else query.limit = n;
  }
  if (errors.length) throw new ValidationError(errors, 'Some filters are not valid.');
  return { query, values };
}
