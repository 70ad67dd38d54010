// Cron schedules for the runner. croner only computes tick times here (pattern, time zone, DST);
// the runner's own poll loop decides when to look, so schedules follow the injected clock and no
// croner timer is ever left running.
import { Cron } from 'croner';

export interface ScheduleOptions {
  /** IANA zone the expression is read in (e.g. `Europe/Berlin`); UTC when absent. */
  timezone?: string;
  /** Payload of every tick's job. */
  payload?: unknown;
  /**
   * How far back the first look reaches when the runner starts, in ms (default 24 h). The latest
   * tick inside this window is enqueued once if no process enqueued it already; older ticks are
   * not made up for. 0 = only ticks after the start.
   */
  catchUpMs?: number;
  maxAttempts?: number;
}

export const DEFAULT_CATCH_UP_MS = 24 * 60 * 60_000;

export class Schedule {
  readonly #cron: Cron;
  readonly #catchUpMs: number;
  /** Ticks up to this time (ms) have been enqueued; undefined until the first look. */
  #checkedUntil: number | undefined;

  constructor(
    readonly kind: string,
    readonly expression: string,
    readonly options: ScheduleOptions,
  ) {
    // Throws on a bad expression or zone, so a typo fails at start-up rather than never firing.
    this.#cron = new Cron(expression, { timezone: options.timezone, mode: '5-or-6-parts' });
    this.#catchUpMs = options.catchUpMs ?? DEFAULT_CATCH_UP_MS;
    if (!this.#cron.nextRun(new Date())) throw new Error(`Schedule "${expression}" never fires.`);
  }

  /**
   * The tick to enqueue now, if any: the latest tick at or before `now` that this process has not
   * looked at yet. Ticks missed in between (a stalled process, a clock jump) fold into that one,
   * so a long pause gives one catch-up run, not a burst.
   */
  dueTick(now: Date): Date | undefined {
    const from = this.#checkedUntil ?? now.getTime() - this.#catchUpMs - 1;
    // previousRuns is strictly before its reference; +1 ms makes a tick at `now` count.
    const [latest] = this.#cron.previousRuns(1, new Date(now.getTime() + 1));
    return latest && latest.getTime() > from ? latest : undefined;
  }

  /** Called once the tick (if any) returned by dueTick(now) is safely enqueued. */
  checked(now: Date): void {
    this.#checkedUntil = Math.max(this.#checkedUntil ?? 0, now.getTime());
  }

  /** The unique key of a tick's job: the same in every process sharing the database. */
  uniqueKey(tick: Date): string {
    return `${this.kind}@${tick.toISOString()}`;
  }
}
