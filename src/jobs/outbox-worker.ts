// Delivers the outbox. Runs beside the job runner in every server process and works like it: due
// rows are claimed in batches with a lease (outbox-delivery.repository.ts), each is handed to its
// channel's sender, and the outcome is recorded under the claim. Failures are retried with the job
// runner's exponential backoff (30 s doubling to 1 h, with jitter) until maxAttempts, then the row
// is a dead letter (status `failed`) an admin can retry. A row's id is its delivery id (the mail's
// Message-ID, the webhook's X-Parley-Delivery), so the one duplicate a crash can cause — sent, then
// killed before the outcome was recorded — carries the same id and receivers can drop it.
// Its own loop rather than one job per row: a 10,000-subscriber announcement is 10,000 rows, and
// claiming them in batches is one statement per batch instead of two job writes per message.
import os from 'node:os';
import type { Kysely } from 'kysely';
import { cryptoRandom, systemClock, type Clock, type Random } from '../services/deps.ts';
import type { Dialect } from '../storage/db.ts';
import * as delivery from '../storage/repositories/outbox-delivery.repository.ts';
import type { Database, OutboxRow, OutboxTable } from '../storage/schema.ts';
import { DeliveryError, type ChannelSender } from '../integrations/channel.types.ts';
import { exponentialBackoff } from './backoff.ts';
import { silentLogger, type JobLogger } from './job.types.ts';

type Channel = OutboxTable['channel'];

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  /** One sender per channel; a channel without one (mail with no SMTP configured) stays queued. */
  senders: Partial<Record<Channel, ChannelSender>>;
  clock?: Clock;
  random?: Random;
  logger?: JobLogger;
  workerId?: string;
  /** Rows claimed per batch (default 50). */
  batchSize?: number;
  /** Deliveries in flight at once (default 8). */
  concurrency?: number;
  pollIntervalMs?: number;
  /** How long a claim holds a row (default 2 min; a send times out well before). */
  leaseMs?: number;
  /** Attempts before a row becomes a dead letter (default 12: about 6 h of retries). */
  maxAttempts?: number;
  backoff?: (attempt: number) => number;
  /** Told of every delivery attempt (the server counts them for /metrics). */
  onOutcome?: (channel: Channel, outcome: keyof DeliverySummary) => void;
}

export interface DeliverySummary {
  sent: number;
  retried: number;
  failed: number;
}

export class OutboxWorker {
  readonly workerId: string;
  readonly #o: Required<
    Omit<OutboxWorkerOptions, 'workerId' | 'logger' | 'clock' | 'random' | 'backoff' | 'onOutcome'>
  >;
  readonly #clock: Clock;
  readonly #log: JobLogger;
  readonly #backoff: (attempt: number) => number;
  readonly #channels: Channel[];
  readonly #onOutcome: OutboxWorkerOptions['onOutcome'];
  #running = false;
  /** Set by stop(): batches in hand hand no further row to a sender. */
  #stopping = false;
  /** Rows claimed and not yet finished (`started`: handed to a sender), for stop() to release. */
  readonly #claimed = new Map<string, { workerId: string; attempts: number; started: boolean }>();
  #releasedAtStop = 0;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;

  constructor(opts: OutboxWorkerOptions) {
    const random: Random = opts.random ?? cryptoRandom;
    this.workerId = opts.workerId ?? `outbox:${os.hostname()}:${process.pid}:${random.token(4)}`;
    this.#o = {
      db: opts.db,
      dialect: opts.dialect,
      senders: opts.senders,
      batchSize: opts.batchSize ?? 50,
      concurrency: Math.max(1, opts.concurrency ?? 8),
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      leaseMs: opts.leaseMs ?? 2 * 60_000,
      maxAttempts: opts.maxAttempts ?? 12,
    };
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? silentLogger;
    this.#backoff = opts.backoff ?? exponentialBackoff();
    this.#onOutcome = opts.onOutcome;
    this.#channels = (Object.keys(opts.senders) as Channel[]).filter((c) => opts.senders[c]);
  }

  /** The channels this worker delivers (mail is absent when no SMTP server is configured). */
  get channels(): readonly Channel[] {
    return this.#channels;
  }

  start(): void {
    if (this.#running) throw new Error('The outbox worker is already running.');
    this.#running = true;
    this.#stopping = false;
    this.#releasedAtStop = 0;
    this.#log.info({ workerId: this.workerId, channels: this.#channels }, 'outbox worker started');
    this.#loop = this.#pollLoop();
  }

  /**
   * Stops claiming; rows of the batch in hand not yet handed to a sender are released at once, and
   * sends in flight get up to `timeoutMs` to end. Sends still running then are released too (due at
   * once for the next process; at worst that process sends a duplicate with the same delivery id).
   */
  async stop(timeoutMs = 10_000): Promise<{ released: number }> {
    if (!this.#running) return { released: 0 };
    this.#running = false;
    this.#stopping = true;
    this.#wakeUp?.();
    // Rows of the batch in hand that no sender has yet: back to the queue now, not after the sends.
    await this.#releaseUnstarted();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const r = await Promise.race([this.#loop, timedOut]);
    clearTimeout(timer);
    let released = this.#releasedAtStop;
    if (r === 'timeout') {
      const cutOff = [...this.#claimed].filter(([, c]) => c.started);
      for (const [id, claim] of cutOff) {
        const ok = await delivery.releaseOutbox(this.#o.db, id, claim, false).catch((e: unknown) => {
          this.#log.error(
            { outboxId: id, err: e },
            'could not release a delivery; retried when its lease ends',
          );
          return false;
        });
        if (ok) released++;
      }
      this.#log.warn({ outboxIds: cutOff.map(([id]) => id) }, 'outbox worker stopped with sends in flight');
    }
    // Stopped cleanly: runOnce() may deliver again. After a timeout, the cut-off lanes must not.
    if (r !== 'timeout') this.#stopping = false;
    for (const s of Object.values(this.#o.senders)) await s?.close?.();
    this.#log.info({ workerId: this.workerId, released }, 'outbox worker stopped');
    return { released };
  }

  /** Look now rather than at the next poll (after something was queued). */
  nudge(): void {
    this.#wakeUp?.();
  }

  /** Delivers every due row, batch after batch, until none is due. For tests, the CLI and benches. */
  async runOnce(): Promise<DeliverySummary> {
    const total: DeliverySummary = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const s = await this.#batch();
      if (!s || this.#stopping) return total;
      total.sent += s.sent;
      total.retried += s.retried;
      total.failed += s.failed;
    }
  }

  async #pollLoop(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      let more = false;
      try {
        more = (await this.#batch()) !== undefined;
        failures = 0;
      } catch (e) {
        failures++;
        this.#log.error({ err: e, failures }, 'outbox worker could not poll; retrying');
      }
      if (this.#running && !more) {
        const pause = Math.min(this.#o.pollIntervalMs * 2 ** Math.min(failures, 10), 30_000);
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, Math.max(pause, this.#o.pollIntervalMs));
          function done() {
            clearTimeout(t);
            resolve();
          }
          this.#wakeUp = done;
        });
        this.#wakeUp = undefined;
      }
    }
  }

  /** Claims and delivers one batch; undefined when nothing was due. */
  async #batch(): Promise<DeliverySummary | undefined> {
    const now = this.#clock.now();
    const nowIso = now.toISOString();
    const { db, dialect } = this.#o;
    await delivery.buryExhaustedOutbox(db, this.#o.maxAttempts, nowIso);
    if (!(await delivery.hasDueOutbox(db, this.#channels, nowIso))) return undefined;
    const rows = await delivery.claimOutbox(db, dialect, {
      workerId: this.workerId,
      channels: this.#channels,
      now: nowIso,
      lockedUntil: new Date(now.getTime() + this.#o.leaseMs).toISOString(),
      limit: this.#o.batchSize,
    });
    if (!rows.length) return undefined;
    for (const row of rows)
      this.#claimed.set(row.id, { workerId: this.workerId, attempts: row.attempts, started: false });
    const summary: DeliverySummary = { sent: 0, retried: 0, failed: 0 };
    // A small pool over the batch: a slow receiver holds one slot, not the whole batch.
    let next = 0;
    const lane = async () => {
      while (next < rows.length && !this.#stopping) {
        const row = rows[next++]!;
        const claim = this.#claimed.get(row.id);
        if (!claim) continue; // released by stop() meanwhile
        claim.started = true;
        try {
          const outcome = await this.#deliver(row);
          summary[outcome]++;
          this.#onOutcome?.(row.channel, outcome);
        } finally {
          this.#claimed.delete(row.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, rows.length) }, lane));
    await this.#releaseUnstarted();
    return summary;
  }

  /** Stopping: claimed rows no sender has had go back, their attempt not counted (nothing was sent). */
  async #releaseUnstarted(): Promise<void> {
    for (const [id, c] of [...this.#claimed]) {
      if (c.started) continue;
      this.#claimed.delete(id);
      const ok = await delivery.releaseOutbox(this.#o.db, id, c, true).catch((e: unknown) => {
        this.#log.error(
          { outboxId: id, err: e },
          'could not release a delivery; retried when its lease ends',
        );
        return false;
      });
      if (ok) this.#releasedAtStop++;
    }
  }

  async #deliver(row: OutboxRow): Promise<keyof DeliverySummary> {
    const sender = this.#o.senders[row.channel]!;
    const claim = { workerId: this.workerId, attempts: row.attempts };
    try {
      const r = await sender.deliver(row);
      await delivery.finishOutbox(this.#o.db, row.id, claim, {
        status: 'sent',
        at: this.#clock.now().toISOString(),
        response: r.response.slice(0, 2000),
      });
      return 'sent';
    } catch (e) {
      const error = (e instanceof Error ? e.message : String(e)).slice(0, 2000);
      const response = e instanceof DeliveryError ? (e.response?.slice(0, 2000) ?? null) : null;
      const permanent = e instanceof DeliveryError && e.permanent;
      if (permanent || row.attempts >= this.#o.maxAttempts) {
        this.#log.warn({ outboxId: row.id, channel: row.channel, error }, 'delivery failed for good');
        await delivery.finishOutbox(this.#o.db, row.id, claim, { status: 'failed', error, response });
        return 'failed';
      }
      const at = new Date(this.#clock.now().getTime() + this.#backoff(row.attempts));
      this.#log.info(
        { outboxId: row.id, channel: row.channel, error, retryAt: at },
        'delivery failed; retrying',
      );
      await delivery.finishOutbox(this.#o.db, row.id, claim, {
        status: 'pending',
        nextAttemptAt: at.toISOString(),
        error,
        response,
      });
      return 'retried';
    }
  }
}
