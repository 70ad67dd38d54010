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
}

export interface DeliverySummary {
  sent: number;
  retried: number;
  failed: number;
}

export class OutboxWorker {
  readonly workerId: string;
  readonly #o: Required<Omit<OutboxWorkerOptions, 'workerId' | 'logger' | 'clock' | 'random' | 'backoff'>>;
  readonly #clock: Clock;
  readonly #log: JobLogger;
  readonly #backoff: (attempt: number) => number;
  readonly #channels: Channel[];
  #running = false;
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
    this.#channels = (Object.keys(opts.senders) as Channel[]).filter((c) => opts.senders[c]);
  }

  /** The channels this worker delivers (mail is absent when no SMTP server is configured). */
  get channels(): readonly Channel[] {
    return this.#channels;
  }

  start(): void {
    if (this.#running) throw new Error('The outbox worker is already running.');
    this.#running = true;
    this.#log.info({ workerId: this.workerId, channels: this.#channels }, 'outbox worker started');
    this.#loop = this.#pollLoop();
  }

  /** Stops claiming and waits for the batch in hand; unfinished rows are retried when their lease ends. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wakeUp?.();
    await this.#loop;
    for (const s of Object.values(this.#o.senders)) await s?.close?.();
    this.#log.info({ workerId: this.workerId }, 'outbox worker stopped');
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
      if (!s) return total;
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
    const summary: DeliverySummary = { sent: 0, retried: 0, failed: 0 };
    // A small pool over the batch: a slow receiver holds one slot, not the whole batch.
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        summary[await this.#deliver(row)]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, rows.length) }, lane));
    return summary;
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
