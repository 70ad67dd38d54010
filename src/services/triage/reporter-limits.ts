// Per-reporter rate limits, counted from the database so they hold across restarts and however many
// addresses a reporter sends from: reports per reporter (account, else e-mail address) per hour and
// per day, and a reporter's messages per case per 10 minutes. Every intake channel asks here (form,
// API, mail). Per-IP limits (http/plugins/rate-limits.ts) come first and bound bursts; these bound
// what one identity can pile onto a team. Anonymous reports (no address) are limited per IP only.
import { TooManyRequestsError } from '../../domain/errors.ts';
import * as triage from '../../storage/repositories/triage.repository.ts';
import type { ReporterKey } from '../../storage/repositories/triage.repository.ts';
import { iso, type ServiceDeps } from '../deps.ts';

export interface ReporterLimitSettings {
  /** Reports per reporter per hour; 0: no limit. */
  reportsPerHour: number;
  /** Reports per reporter per day; 0: no limit. */
  reportsPerDay: number;
  /** A reporter's messages per case per 10 minutes; 0: no limit. */
  messagesPer10Min: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TEN_MINUTES = 10 * 60_000;

/** When the oldest write that keeps the count at `max` leaves the window: a retry succeeds after that. */
function retryAt(times: string[], extra: number, max: number, windowMs: number, now: number): number {
  const i = times.length + extra - max;
  const t = i >= 0 && i < times.length ? Date.parse(times[i]!) : now;
  return Math.max(now + 1000, t + windowMs);
}

/** "in 23 minutes (at 14:05 UTC)": when to come back, in words a reporter can act on. */
export function retryWords(at: number, now: number): string {
  const minutes = Math.ceil((at - now) / 60_000);
  const when =
    minutes <= 1
      ? 'in a minute'
      : minutes < 120
        ? `in ${minutes} minutes`
        : `in ${Math.ceil(minutes / 60)} hours`;
  const d = new Date(at);
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${when} (at ${hhmm} UTC)`;
}

/** A report that passed the check and is being written; `releasedAt` once its commit is done. */
interface Reservation {
  releasedAt?: number;
}

/** One reporter's reports being written, and the checks whose count query is under way. */
interface ReporterState {
  reservations: Set<Reservation>;
  checks: Set<number>;
}

export class ReporterLimits {
  /**
   * Per reporter: reports accepted but perhaps not yet visible to a count query. A reservation counts
   * for every check whose query began before it was released: such a query may have read the table
   * before the report was committed. Counting only unreleased ones let a check whose query began
   * before a commit, and ended after the release, miss that report (a burst of 5 with a limit of 2 let
   * 3 through on PostgreSQL).
   */
  private readonly reporters = new Map<string, ReporterState>();
  /** Orders query starts and releases. */
  private seq = 0;

  constructor(private readonly deps: ServiceDeps) {}

  private get settings(): ReporterLimitSettings {
    // No settings: limits off (tests, tools). The server always passes the configured ones.
    return { reportsPerHour: 0, reportsPerDay: 0, messagesPer10Min: 0, ...this.deps.limits };
  }

  /**
   * Checks a new report against the reporter's hourly and daily limits and counts it as pending until
   * the returned release is called (after its commit, or its failure), so that a burst of reports in
   * one batch cannot all pass on the same count. Throws TooManyRequestsError over a limit.
   */
  async reserveReport(who: ReporterKey | null): Promise<() => void> {
    const { reportsPerHour, reportsPerDay } = this.settings;
    if (!who || (!reportsPerHour && !reportsPerDay)) return () => {};
    const key = 'userId' in who ? `u:${who.userId}` : `e:${who.email}`;
    const nowMs = this.deps.clock.now().getTime();
    const windowMs = reportsPerDay ? DAY : HOUR;
    const cap = Math.max(reportsPerDay, reportsPerHour) + 1;
    const state = this.stateOf(key);
    const started = ++this.seq;
    state.checks.add(started);
    let times: string[];
    // Counted before this check stops being one (below), and the report reserved after the limits
    // without an await between: concurrent checks see each other. A report committed while the query
    // ran may count twice for a moment: errs on caution.
    let extra = 0;
    try {
      times = await triage.reportTimesOf(this.deps.db, who, iso(new Date(nowMs - windowMs)), cap);
      for (const r of state.reservations) if (r.releasedAt === undefined || r.releasedAt > started) extra++;
    } finally {
      state.checks.delete(started);
      this.forget(key, state);
    }
    const hourAgo = nowMs - HOUR;
    const lastHour = times.filter((t) => Date.parse(t) >= hourAgo);
    if (reportsPerHour && lastHour.length + extra >= reportsPerHour) {
      const at = retryAt(lastHour, extra, reportsPerHour, HOUR, nowMs);
      throw this.refusal(
        `You have sent ${reportsPerHour} reports in the last hour, the most this site takes from one reporter.`,
        at,
        nowMs,
      );
    }
    if (reportsPerDay && times.length + extra >= reportsPerDay) {
      const at = retryAt(times, extra, reportsPerDay, DAY, nowMs);
      throw this.refusal(
        `You have sent ${reportsPerDay} reports in the last 24 hours, the most this site takes from one reporter.`,
        at,
        nowMs,
      );
    }
    const reservation: Reservation = {};
    const mine = this.stateOf(key);
    mine.reservations.add(reservation);
    return () => {
      if (reservation.releasedAt !== undefined) return;
      reservation.releasedAt = ++this.seq;
      this.forget(key, mine);
    };
  }

  private stateOf(key: string): ReporterState {
    let state = this.reporters.get(key);
    if (!state) this.reporters.set(key, (state = { reservations: new Set(), checks: new Set() }));
    return state;
  }

  /** Drops released reservations no running check can still need, and the reporter once idle. */
  private forget(key: string, state: ReporterState): void {
    const oldestCheck = Math.min(...state.checks);
    for (const r of state.reservations)
      if (r.releasedAt !== undefined && r.releasedAt < oldestCheck) state.reservations.delete(r);
    if (!state.reservations.size && !state.checks.size && this.reporters.get(key) === state)
      this.reporters.delete(key);
  }

  /** Checks a reporter's new message on a case against the per-case limit. */
  async checkMessage(caseId: string): Promise<void> {
    const max = this.settings.messagesPer10Min;
    if (!max) return;
    const nowMs = this.deps.clock.now().getTime();
    const times = await triage.reporterMessageTimes(
      this.deps.db,
      caseId,
      iso(new Date(nowMs - TEN_MINUTES)),
      max + 1,
    );
    if (times.length < max) return;
    throw this.refusal(
      `You have sent ${max} messages on this report in the last 10 minutes, the most it takes.`,
      retryAt(times, 0, max, TEN_MINUTES, nowMs),
      nowMs,
    );
  }

  private refusal(what: string, at: number, now: number): TooManyRequestsError {
    return new TooManyRequestsError(
      `${what} Nothing was submitted; please try again ${retryWords(at, now)}.`,
      Math.ceil((at - now) / 1000),
    );
  }
}

const shared = new WeakMap<ServiceDeps, ReporterLimits>();

/** The one ReporterLimits of a set of services (its pending counts must be shared by every channel). */
export function reporterLimits(deps: ServiceDeps): ReporterLimits {
  let l = shared.get(deps);
  if (!l) shared.set(deps, (l = new ReporterLimits(deps)));
  return l;
}
