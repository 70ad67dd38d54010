// The case embargo and what parties are told. The team sets the end as a local date-time in a time
// zone, within the policy's longest embargo; every change is on the timeline (the reporter sees it
// too — it is their disclosure date), in the audit log, and mailed to every party's contacts.
import { ValidationError } from '../../domain/errors.ts';
import { describeEmbargo, parseEmbargo, type EmbargoView } from '../../domain/embargo.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import { loadCase, requireCaseTeam } from '../access.ts';
import type { Actor } from '../actor.ts';
import { appendCaseEvent } from '../case-events.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import type { PolicyService } from '../policy.service.ts';
import type { CaseNotifier } from '../notify/case-notifier.ts';
import { mailPartyContacts } from './party-mail.ts';
import { embargoChanged } from './coordination-mail-texts.ts';

export const SUMMARY_MAX = 20_000;
type Ref = { id?: string; key?: string };

export class EmbargoService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
    private readonly notifier?: CaseNotifier,
  ) {}

  /** Sets (`{at, zone}`) or lifts (`null`) the embargo. Team only. */
  async set(
    actor: Actor,
    ref: Ref,
    input: { at?: unknown; zone?: unknown } | null,
    meta: { ip?: string } = {},
  ): Promise<EmbargoView | null> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    const now = this.deps.clock.now();
    let next: { endsAt: string; zone: string } | null = null;
    if (input) {
      const policy = await this.policies.policyOf(row.project_id, row.policy_version);
      const parsed = parseEmbargo(input, now, new Date(row.created_at), policy.disclosure.maxEmbargoDays);
      if ('errors' in parsed) throw new ValidationError(parsed.errors);
      next = parsed;
    }
    if ((next?.endsAt ?? null) === row.embargo_ends_at && (next?.zone ?? null) === row.embargo_zone)
      return describeEmbargo(row.embargo_ends_at, row.embargo_zone, now);
    const at = iso(now);
    const updated = { ...row, embargo_ends_at: next?.endsAt ?? null, embargo_zone: next?.zone ?? null };
    const view = describeEmbargo(updated.embargo_ends_at, updated.embargo_zone, now);
    await this.deps.db.transaction().execute(async (trx) => {
      await cases.updateCase(trx, row.id, {
        embargo_ends_at: updated.embargo_ends_at,
        embargo_zone: updated.embargo_zone,
        updated_at: at,
      });
      await appendCaseEvent(trx, this.notifier, updated, actor, at, {
        type: 'embargo.changed',
        visibility: 'reporter',
        data: {
          from: row.embargo_ends_at,
          to: updated.embargo_ends_at,
          zone: updated.embargo_zone,
          local: view ? `${view.local} ${view.zone}` : null,
        },
      });
      await recordAudit(trx, this.deps, {
        action: 'case.embargo-changed',
        actor,
        ip: meta.ip,
        projectId: row.project_id,
        caseId: row.id,
        target: row.key,
        data: { from: row.embargo_ends_at, to: updated.embargo_ends_at, zone: updated.embargo_zone },
      });
      await mailPartyContacts(trx, this.deps, updated, null, 'party.embargo', at, (c) => embargoChanged(c));
    });
    return view;
  }

  /** What parties are told about the case (they never see the reporter's text). Team only. */
  async setSummary(actor: Actor, ref: Ref, summary: unknown): Promise<void> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    const text = typeof summary === 'string' ? summary.replace(/\r\n?/g, '\n').trim() : '';
    if (text.length > SUMMARY_MAX)
      throw new ValidationError([{ field: 'summary', message: `At most ${SUMMARY_MAX} characters.` }]);
    const at = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      await cases.updateCase(trx, row.id, { party_summary: text || null, updated_at: at });
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'party-summary.changed',
        visibility: 'parties',
        data: {},
      });
    });
  }
}
