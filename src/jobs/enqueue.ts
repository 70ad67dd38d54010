// Adding a job, usable without a runner: services enqueue inside their own transaction (pass the
// transaction as `db`) so the job exists exactly when the change that needs it was committed.
import type { Kysely } from 'kysely';
import { ValidationError } from '../domain/errors.ts';
import type { Clock, Random } from '../services/deps.ts';
import * as jobs from '../storage/repositories/job.repository.ts';
import type { Database } from '../storage/schema.ts';
import type { EnqueueOptions, EnqueueResult } from './job.types.ts';

export const DEFAULT_MAX_ATTEMPTS = 10;

export async function enqueueJob(
  db: Kysely<Database>,
  deps: { clock: Clock; random: Random },
  kind: string,
  payload: unknown,
  opts: EnqueueOptions & { defaultMaxAttempts?: number } = {},
): Promise<EnqueueResult> {
  if (!kind || kind.length > 100)
    throw new ValidationError([{ field: 'kind', message: '1–100 characters.' }]);
  const maxAttempts = opts.maxAttempts ?? opts.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new ValidationError([{ field: 'maxAttempts', message: 'A whole number of at least 1.' }]);
  if (opts.uniqueKey !== undefined && (!opts.uniqueKey || opts.uniqueKey.length > 300))
    throw new ValidationError([{ field: 'uniqueKey', message: '1–300 characters.' }]);
  const text = JSON.stringify(payload ?? {});
  const now = deps.clock.now();
  const id = deps.random.uuid();
  const inserted = await jobs.insertJob(db, {
    id,
    kind,
    payload: text,
    status: 'queued',
    run_at: (opts.runAt ?? now).toISOString(),
    attempts: 0,
    max_attempts: maxAttempts,
    locked_by: null,
    locked_until: null,
    last_error: null,
    unique_key: opts.uniqueKey ?? null,
    created_at: now.toISOString(),
    finished_at: null,
  });
  if (inserted || opts.uniqueKey === undefined) return { inserted, id };
  const existing = await jobs.findJobByUniqueKey(db, opts.uniqueKey);
  return { inserted, id: existing?.id };
}
