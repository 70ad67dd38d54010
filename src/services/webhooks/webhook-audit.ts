// Audit entries for webhook changes (created, changed, deleted, secret rotated). Only the receiver's
// origin is recorded: a webhook URL's path often is its secret (Slack's are), and the audit log can
// never be scrubbed.
import type { Kysely } from 'kysely';
import type { Database, ProjectRow } from '../../storage/schema.ts';
import type { Actor } from '../actor.ts';
import { recordAudit, type AuditDeps } from '../audit/audit-log.ts';

export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** What an edit changed, for the entry: the field names, and the new origin or activity. */
export function webhookChange(
  hook: { url: string },
  v: { url?: string | undefined; active?: boolean | undefined },
  fields: string[],
): Record<string, unknown> {
  return {
    change: 'changed',
    fields,
    ...(v.url !== undefined && webhookOrigin(v.url) !== webhookOrigin(hook.url)
      ? { from: webhookOrigin(hook.url), to: webhookOrigin(v.url) }
      : {}),
    ...(v.active !== undefined ? { active: v.active } : {}),
  };
}

/** Records `project.webhook-changed` in `db`'s transaction; call it last there. */
export function auditWebhook(
  db: Kysely<Database>,
  deps: AuditDeps,
  actor: Actor,
  project: ProjectRow,
  hook: { id: string; url: string },
  data: Record<string, unknown>,
): Promise<void> {
  return recordAudit(db, deps, {
    action: 'project.webhook-changed',
    actor,
    projectId: project.id,
    target: webhookOrigin(hook.url),
    data: { webhookId: hook.id, ...data },
  });
}
