// Counts for the operator's Prometheus gauges (/metrics): queue depths and overdue cases, read at
// scrape time. Finished rows (`done` jobs, `sent` mail) are left out: they only grow, and a depth
// is about what is still waiting. Each query is served by an index that leads with `status`.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database>;

export interface DepthRow {
  name: string;
  state: string;
  count: number;
}

/** Jobs not yet done, by kind and status (queued, running, dead). */
export async function jobDepth(db: Db): Promise<DepthRow[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['kind as name', 'status as state', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', ['queued', 'running', 'dead'])
    .groupBy(['kind', 'status'])
    .execute();
  return rows.map((r) => ({ name: r.name, state: r.state, count: Number(r.n) }));
}

/** Outbox rows not yet sent, by channel and status (pending, held, failed = dead letters). */
export async function outboxDepth(db: Db): Promise<DepthRow[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['channel as name', 'status as state', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', ['pending', 'held', 'failed'])
    .groupBy(['channel', 'status'])
    .execute();
  return rows.map((r) => ({ name: r.name, state: r.state, count: Number(r.n) }));
}

/**
 * Cases whose earliest running SLA clock is past due. `next_due_at` is null once no clock runs
 * (closed, disclosed), so finished cases need no separate state filter; the reminder job keeps it
 * current while a clock is paused.
 */
export async function overdueCaseCount(db: Db, now: string): Promise<number> {
  const r = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('next_due_at', 'is not', null)
    .where('next_due_at', '<', now)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
