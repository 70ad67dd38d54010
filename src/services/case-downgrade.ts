// Handing a report over to a public issue tracker (used by case-move.service.ts): the Markdown
// export of what may go public, and the downgrade — the case closes as not a vulnerability and the
// reporter is told, on their page and by mail, where it continues. Also the team-only case loading
// and reporter-visible event writing that transfers share.
import type { Kysely } from 'kysely';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import { decideTransition, type CaseState } from '../domain/case-state.ts';
import { issueMarkdown, type IssueMarkdown } from '../domain/issue-markdown.ts';
import type { CaseRow, CaseUpdate, Database } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import * as moves from '../storage/repositories/case-move.repository.ts';
import { iso, type ServiceDeps } from './deps.ts';
import type { Actor } from './actor.ts';
import { loadCase, requireCaseTeam } from './access.ts';
import type { PolicyService } from './policy.service.ts';
import type { CaseNotifier } from './notify/case-notifier.ts';
import { appendCaseEvent } from './case-events.ts';
import { settleClocks } from './case-clocks.ts';
import { recordAudit } from './audit/audit-log.ts';
import { MESSAGE_MAX } from './case.service.ts';

export type Ref = { id?: string; key?: string };
export type Meta = { ip?: string | undefined };

/** The resolution a downgrade closes with: the team judged the report not to be a vulnerability. */
export const DOWNGRADE_RESOLUTION = 'not-a-vulnerability';
const URL_MAX = 2000;

export interface IssueExport extends IssueMarkdown {
  key: string;
  filename: string;
}

/** The case as the security team sees it; collaborators, parties and reporters move nothing. */
export async function loadTeamCase(
  db: Kysely<Database>,
  actor: Actor,
  ref: Ref,
  what: string,
  kind: 'read' | 'write' = 'write',
) {
  const { row, access } = await loadCase(db, actor, ref);
  const team = requireCaseTeam(access, kind, what);
  const project = (await projects.findProjectById(db, row.project_id))!;
  return { row, role: team.role, project };
}

/** A timeline entry the reporter sees, with what it notifies, in `db`'s transaction. */
export function reporterEvent(
  db: Kysely<Database>,
  notifier: CaseNotifier | undefined,
  e: { row: CaseRow; actor: Actor; at: string; type: string; data: Record<string, unknown> },
  message?: { id: string; body: string },
) {
  return appendCaseEvent(db, notifier, e.row, e.actor, e.at, {
    type: e.type,
    visibility: 'reporter',
    data: e.data,
    ...(message ? { messageId: message.id, body: message.body } : {}),
  });
}

/**
 * The report as Markdown for a public issue tracker: the report's fields and file names, credit as
 * the reporter chose — never their address, internal notes or the conversation. Team only; audited.
 */
export async function exportIssue(
  deps: ServiceDeps,
  actor: Actor,
  ref: Ref,
  meta: Meta,
): Promise<IssueExport> {
  const { row, project } = await loadTeamCase(deps.db, actor, ref, 'exports a case', 'read');
  const attachments = await moves.reporterVisibleAttachmentNames(deps.db, row.id);
  const md = issueMarkdown({
    key: row.key,
    projectName: project.name,
    title: row.title,
    description: row.description,
    stepsToReproduce: row.steps_to_reproduce,
    affectedVersions: row.affected_versions,
    impact: row.impact,
    suggestedFix: row.suggested_fix,
    credit: { preference: row.credit_preference, name: row.credit_name },
    attachments,
  });
  await recordAudit(deps.db, deps, {
    action: 'case.exported',
    actor,
    ip: meta.ip,
    projectId: row.project_id,
    caseId: row.id,
    target: row.key,
    data: { format: 'issue-markdown', attachments: attachments.length },
  });
  return { ...md, key: row.key, filename: `${row.key}-issue.md` };
}

/**
 * Closes an open case as not a vulnerability, optionally naming the public issue where it goes on,
 * and tells the reporter (their page and, when they left an address, mail). Team only; audited.
 */
export async function downgradeCase(
  deps: ServiceDeps,
  policies: PolicyService,
  notifier: CaseNotifier | undefined,
  actor: Actor,
  ref: Ref,
  input: { issueUrl?: unknown; message?: unknown },
  meta: Meta & { channel?: 'web' | 'api' },
): Promise<{ id: string; key: string }> {
  const { row } = await loadTeamCase(deps.db, actor, ref, 'downgrades a case');
  const issueUrl = parseIssueUrl(input.issueUrl);
  const body = parseMessage(input.message);
  // The lifecycle's own rule: open cases close; closed and disclosed ones answer 409.
  const outcome = decideTransition(
    { state: row.state as CaseState, severity: row.severity as never },
    { to: 'closed', resolution: DOWNGRADE_RESOLUTION },
  );
  const now = iso(deps.clock.now());
  const patch: CaseUpdate = {
    state: 'closed',
    resolution: outcome.resolution,
    duplicate_of_id: null,
    closed_at: now,
    needs_info: 0,
    updated_at: now,
  };
  // Read before the transaction: the policy cache reads through deps.db.
  settleClocks(await policies.policyOf(row.project_id, row.policy_version), row, patch, now);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await cases.updateCaseFromState(trx, row.id, row.state, patch)))
      throw new ConflictError('The case changed meanwhile; reload it and try again.');
    const e = { row: { ...row, ...patch } as CaseRow, actor, at: now };
    // The reporter's mail comes from `case.downgraded` below; this entry records the state (and
    // calls the webhooks) with `downgraded` set, so the notifier sends no second mail for it.
    await reporterEvent(trx, notifier, {
      ...e,
      type: 'state.changed',
      data: { from: row.state, to: 'closed', resolution: outcome.resolution, downgraded: true },
    });
    let message: { id: string; body: string } | undefined;
    if (body) {
      message = { id: deps.random.uuid(), body };
      await cases.insertMessage(trx, {
        id: message.id,
        case_id: row.id,
        author_kind: 'user',
        author_user_id: actor.kind === 'user' ? actor.user.id : null,
        visibility: 'reporter',
        channel: meta.channel ?? 'web',
        body,
        created_at: now,
      });
    }
    await reporterEvent(trx, notifier, { ...e, type: 'case.downgraded', data: { issueUrl } }, message);
    await recordAudit(trx, deps, {
      action: 'case.downgraded',
      actor,
      ip: meta.ip,
      projectId: row.project_id,
      caseId: row.id,
      target: row.key,
      data: { from: row.state, resolution: outcome.resolution, issueUrl, message: !!body },
    });
  });
  return { id: row.id, key: row.key };
}

/** Optional; an http(s) address without credentials in it (it is shown to the reporter as a link). */
function parseIssueUrl(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  const v = typeof raw === 'string' ? raw.trim() : undefined;
  if (v === '') return null;
  let url: URL | undefined;
  try {
    url = v && v.length <= URL_MAX ? new URL(v) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    throw new ValidationError([
      { field: 'issueUrl', message: 'The public issue’s address: an http(s) URL, or leave it empty.' },
    ]);
  return url.toString();
}

function parseMessage(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw new ValidationError([{ field: 'message', message: 'Text.' }]);
  const body = raw.replace(/\r\n?/g, '\n').trim();
  if (body.length > MESSAGE_MAX)
    throw new ValidationError([{ field: 'message', message: `At most ${MESSAGE_MAX} characters.` }]);
  return body || null;
}
