// What publishing an advisory does to the world around it, inside the publishing transaction: the
// linked cases move to `disclosed` with timeline events their reporters see, reporters who left an
// address get an e-mail in the outbox (through the case notifier), and the project team is notified.
import type { Kysely } from 'kysely';
import { OPEN_STATES, type CaseState } from '../../domain/case-state.ts';
import type { AdvisoryRow, Database, ProjectRow } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import { CaseNotifier } from '../notify/case-notifier.ts';
import type { ServiceDeps } from '../deps.ts';
import type { NotificationService } from '../notification.service.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';

/**
 * Moves the linked cases to `disclosed`, records it on their timelines and tells their reporters.
 * Returns the cases that changed state, for the audit log.
 */
export async function discloseCases(
  deps: ServiceDeps,
  trx: Kysely<Database>,
  uid: string,
  id: string,
  title: string,
  by: string | null,
  now: string,
): Promise<Array<{ id: string; projectId: string; key: string; from: string }>> {
  const url = new URL(`/advisories/${encodeURIComponent(id)}`, deps.publicUrl).toString();
  const notifier = new CaseNotifier(deps);
  const moved: Array<{ id: string; projectId: string; key: string; from: string }> = [];
  for (const caseId of await advisories.caseIdsOf(trx, uid)) {
    const c = await cases.findCaseById(trx, caseId);
    if (!c) continue;
    const actor = by
      ? { actor_kind: 'user' as const, actor_user_id: by }
      : { actor_kind: 'system' as const, actor_user_id: null };
    // Open cases are disclosed by the publication itself; closed ones (duplicates and the like)
    // keep their resolution and only get the event.
    const disclosed = (OPEN_STATES as readonly string[]).includes(c.state);
    if (disclosed) {
      moved.push({ id: c.id, projectId: c.project_id, key: c.key, from: c.state });
      await cases.updateCase(trx, c.id, {
        state: 'disclosed' satisfies CaseState,
        disclosed_at: now,
        fixed_at: c.fixed_at ?? now,
        needs_info: 0,
        next_due_at: null,
        updated_at: now,
      });
      await cases.insertEvent(trx, {
        case_id: c.id,
        at: now,
        type: 'state.changed',
        ...actor,
        visibility: 'reporter',
        message_id: null,
        data: JSON.stringify({ from: c.state, to: 'disclosed', advisory: id }),
      });
    }
    await cases.insertEvent(trx, {
      case_id: c.id,
      at: now,
      type: 'advisory.published',
      ...actor,
      visibility: 'reporter',
      message_id: null,
      data: JSON.stringify({ id, title, url }),
    });
    // The reporter's mail (encrypted to their key when they gave one) and the case webhooks.
    await notifier.onEvents(trx, c, [
      ...(disclosed
        ? [
            {
              id: `advisory:${id}:${c.id}:disclosed`,
              type: 'state.changed',
              visibility: 'reporter' as const,
              actorKind: actor.actor_kind,
              actorUserId: by,
              data: { from: c.state, to: 'disclosed', advisory: id },
            },
          ]
        : []),
      {
        id: `advisory:${id}:${c.id}`,
        type: 'advisory.published',
        visibility: 'reporter',
        actorKind: actor.actor_kind,
        actorUserId: by,
        data: { id, title, url },
      },
    ]);
  }
  return moved;
}

/** An advisory's audit entry; the target is its public id, or its uid before it has one. */
export function auditAdvisory(
  trx: Kysely<Database>,
  deps: ServiceDeps,
  actor: Actor,
  row: Pick<AdvisoryRow, 'uid' | 'id' | 'project_id'>,
  action: 'advisory.scheduled' | 'advisory.withdrawn',
  data: Record<string, unknown>,
) {
  return recordAudit(trx, deps, {
    action,
    actor,
    projectId: row.project_id,
    target: row.id ?? row.uid,
    data: { uid: row.uid, ...data },
  });
}

/**
 * The audit entries of a publication: the advisory's, and one state change per disclosed case. The
 * publish job acts as 'system'; who scheduled the advisory is kept in the data.
 */
export async function auditPublication(
  trx: Kysely<Database>,
  deps: ServiceDeps,
  p: { actor: Actor | 'system'; by: string | null; projectId: string; uid: string; id: string },
  disclosed: Array<{ id: string; projectId: string; key: string; from: string }>,
) {
  const via = { advisory: p.id, ...(p.actor === 'system' && p.by ? { scheduledBy: p.by } : {}) };
  await recordAudit(trx, deps, {
    action: 'advisory.published',
    actor: p.actor,
    projectId: p.projectId,
    target: p.id,
    data: { uid: p.uid, cases: disclosed.map((c) => c.key), ...via },
  });
  for (const c of disclosed) {
    await recordAudit(trx, deps, {
      action: 'case.state-changed',
      actor: p.actor,
      projectId: c.projectId,
      caseId: c.id,
      target: c.key,
      data: { from: c.from, to: 'disclosed', ...via },
    });
  }
}

export async function notifyTeam(
  notifications: NotificationService,
  trx: Kysely<Database>,
  project: ProjectRow,
  id: string,
  title: string,
) {
  for (const m of await projects.listMembers(trx, project.id)) {
    if (m.disabled_at) continue;
    await notifications.notify(trx, {
      userId: m.id,
      kind: 'advisory.published',
      title: `${id} published: ${title}`.slice(0, 200),
      body: `The advisory ${id} of ${project.name} is now public.`,
      link: `/advisories/${encodeURIComponent(id)}`,
      dedupeKey: `advisory.published:${id}`,
    });
  }
}
