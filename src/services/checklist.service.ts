// Response checklists: the policy a case was opened under lists them (e.g. incident response: assess
// and contain, root cause, fix, notify, prevent); the team ticks items, and who ticked what and when
// is kept on the item and in the case's (internal) timeline.
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Policy } from '../domain/policy/policy.types.ts';
import * as checklists from '../storage/repositories/checklist.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import { loadCase } from './access.ts';
import type { Actor } from './actor.ts';
import { iso, type ServiceDeps } from './deps.ts';
import type { PolicyService } from './policy.service.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export interface ChecklistView {
  id: string;
  title: string;
  items: {
    id: string;
    text: string;
    checked: boolean;
    changedAt: string | null;
    changedBy: string | null;
  }[];
}

/** The policy's checklists with the case's ticks. */
export async function caseChecklists(
  db: Kysely<Database>,
  policy: Policy,
  caseId: string,
): Promise<ChecklistView[]> {
  if (!policy.checklists.length) return [];
  const ticks = await checklists.listTicks(db, caseId);
  const byKey = new Map(ticks.map((t) => [`${t.checklist_id}/${t.item_id}`, t]));
  return policy.checklists.map((cl) => ({
    id: cl.id,
    title: cl.title,
    items: cl.items.map((it) => {
      const t = byKey.get(`${cl.id}/${it.id}`);
      return {
        id: it.id,
        text: it.text,
        checked: t?.checked === 1,
        changedAt: t?.changed_at ?? null,
        changedBy: t ? (t.changed_by_name ?? null) : null,
      };
    }),
  }));
}

export class ChecklistService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
  ) {}

  /** Ticks or unticks one item. Team only. */
  async tick(
    actor: Actor,
    ref: { id?: string; key?: string },
    input: { checklist?: unknown; item?: unknown; checked?: unknown },
  ): Promise<ChecklistView[]> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    if (access.as !== 'team') throw new ForbiddenError('Only the security team works the checklist.');
    const policy = await this.policies.policyOf(row.project_id, row.policy_version);
    const cl = policy.checklists.find((c) => c.id === input.checklist);
    const item = cl?.items.find((i) => i.id === input.item);
    if (!cl || !item) throw new NotFoundError('No such checklist item in this case’s policy.');
    const checked =
      input.checked === true || input.checked === 'true' || input.checked === 'on'
        ? true
        : input.checked === false || input.checked === 'false'
          ? false
          : null;
    if (checked === null) throw new ValidationError([{ field: 'checked', message: 'true or false.' }]);
    const now = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      await checklists.upsertTick(trx, {
        case_id: row.id,
        checklist_id: cl.id,
        item_id: item.id,
        checked: checked ? 1 : 0,
        changed_at: now,
        changed_by: access.user.id,
      });
      await cases.insertEvent(trx, {
        case_id: row.id,
        at: now,
        type: 'checklist.changed',
        actor_kind: 'user',
        actor_user_id: access.user.id,
        visibility: 'internal',
        message_id: null,
        data: JSON.stringify({ checklist: cl.title, item: item.text, checked }),
      });
    });
    return caseChecklists(this.deps.db, policy, row.id);
  }
}
