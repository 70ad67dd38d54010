// Deadline reminders and the daily digest: the jobs call these. A running clock that turns at-risk
// or overdue raises a notice to the case's assignee (or, with none, to the whole project team) and an
// internal timeline entry; each notice is raised once per clock, status and due time, however often
// the scan runs. The digest sums up each member's open cases once a day.
import { OPEN_STATES } from '../domain/case-state.ts';
import { clockLabel, nextDeadline, type Clock } from '../domain/sla/clocks.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import { caseClocks } from './case-clocks.ts';
import { iso, type ServiceDeps } from './deps.ts';
import type { NotificationService } from './notification.service.ts';
import type { PolicyService } from './policy.service.ts';

type OpenCase = Awaited<ReturnType<typeof cases.listOpenCasesForClocks>>[number];

export interface ScanResult {
  casesChecked: number;
  noticesRaised: number;
}

export class ReminderService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
    private readonly notifications: NotificationService,
  ) {}

  private async clocksOf(c: OpenCase, now: Date): Promise<Clock[]> {
    const policy = await this.policies.policyOf(c.project_id, c.policy_version);
    return caseClocks(policy, c, now);
  }

  private async teamOf(projectId: string, cache: Map<string, string[]>): Promise<string[]> {
    let ids = cache.get(projectId);
    if (!ids) {
      ids = (await projects.listMembers(this.deps.db, projectId))
        .filter((m) => !m.disabled_at)
        .map((m) => m.id);
      cache.set(projectId, ids);
    }
    return ids;
  }

  /**
   * Raises at-risk and overdue notices for every running clock that needs one, and refreshes each
   * open case's inbox sort key (a paused clock's due time moves; cases from before policies had none).
   */
  async scanDeadlines(): Promise<ScanResult> {
    const now = this.deps.clock.now();
    const open = await cases.listOpenCasesForClocks(this.deps.db, OPEN_STATES);
    const teams = new Map<string, string[]>();
    let raised = 0;
    for (const c of open) {
      const clocks = await this.clocksOf(c, now);
      const due = nextDeadline(clocks)?.dueAt ?? null;
      if (due !== c.next_due_at) await cases.setNextDueAt(this.deps.db, c.id, due);
      for (const clock of clocks) {
        if (clock.stoppedAt || (clock.status !== 'at-risk' && clock.status !== 'overdue')) continue;
        // While a case waits for its reporter the team cannot act on it; the notice comes when it resumes.
        if (clock.paused) continue;
        // The assignee, while still on the team; otherwise (nobody, or they left) the whole team.
        const team = await this.teamOf(c.project_id, teams);
        const recipients = c.assignee_id && team.includes(c.assignee_id) ? [c.assignee_id] : team;
        raised += await this.raise(c, clock, recipients, now);
      }
    }
    return { casesChecked: open.length, noticesRaised: raised };
  }

  private async raise(c: OpenCase, clock: Clock, recipients: string[], now: Date): Promise<number> {
    const overdue = clock.status === 'overdue';
    const label = clockLabel(clock.name);
    const title = `${c.key}: ${label} ${overdue ? 'overdue' : 'due soon'}`;
    const body = overdue
      ? `${label} for “${c.title}” was due at ${clock.dueAt}.`
      : `${label} for “${c.title}” is due at ${clock.dueAt} (${Math.round(clock.usedShare * 100)}% of the time used).`;
    const emailBody = overdue
      ? `${label} for ${c.key} was due at ${clock.dueAt}.`
      : `${label} for ${c.key} is due at ${clock.dueAt} (${Math.round(clock.usedShare * 100)}% of the time used).`;
    const key = `clock:${c.id}:${clock.name}:${clock.status}:${clock.dueAt}`;
    return this.deps.db.transaction().execute(async (trx) => {
      let n = 0;
      for (const userId of recipients) {
        const r = await this.notifications.notify(trx, {
          userId,
          caseId: c.id,
          kind: `clock.${clock.status}`,
          title,
          body,
          link: `/cases/${c.key}`,
          dedupeKey: key,
          emailBody,
        });
        if (r.created) n++;
      }
      // The timeline records the reminder once, with the first notice of this key.
      if (n > 0) {
        await cases.insertEvent(trx, {
          case_id: c.id,
          at: iso(now),
          type: `clock.${clock.status}`,
          actor_kind: 'system',
          actor_user_id: null,
          visibility: 'internal',
          message_id: null,
          data: JSON.stringify({ clock: clock.name, dueAt: clock.dueAt, notified: n }),
        });
      }
      return n;
    });
  }

  /** One digest per team member and day, listing their projects' open cases that need attention. */
  async dailyDigest(): Promise<{ digests: number }> {
    const now = this.deps.clock.now();
    const day = iso(now).slice(0, 10);
    const all = await projects.listProjects(this.deps.db);
    const perUser = new Map<string, { lines: string[]; mail: string[] }>();
    for (const p of all) {
      const open = await cases.listOpenCasesForClocks(this.deps.db, OPEN_STATES, p.id);
      const lines: string[] = [];
      const mailLines: string[] = [];
      for (const c of open) {
        const clocks = (await this.clocksOf(c, now)).filter((k) => !k.stoppedAt);
        const urgent = clocks.filter((k) => k.status === 'overdue' || k.status === 'at-risk');
        if (c.state === 'new' || urgent.length) {
          const what = urgent.map((k) => `${clockLabel(k.name)} ${k.status}`).join(', ');
          lines.push(`- ${c.key} ${c.title} (${c.state}${what ? `; ${what}` : ''})`);
          mailLines.push(`- ${c.key} (${c.state}${what ? `; ${what}` : ''})`);
        }
      }
      if (!lines.length) continue;
      for (const m of await projects.listMembers(this.deps.db, p.id)) {
        const list = perUser.get(m.id) ?? { lines: [], mail: [] };
        list.lines.push(`${p.name}:`, ...lines);
        list.mail.push(`${p.name}:`, ...mailLines);
        perUser.set(m.id, list);
      }
    }
    let digests = 0;
    for (const [userId, { lines, mail }] of perUser) {
      const r = await this.notifications.notify(this.deps.db, {
        userId,
        kind: 'digest.daily',
        title: `Parley daily digest, ${day}`,
        body: `Open cases that need attention:\n${lines.join('\n')}`,
        emailBody: `Open cases that need attention:\n${mail.join('\n')}`,
        link: '/inbox',
        dedupeKey: `digest:${day}`,
      });
      if (r.created) digests++;
    }
    return { digests };
  }
}
