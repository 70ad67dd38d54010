// When a reader last got a "viewed" entry on a case's timeline.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export async function lastViewEventAt(
  db: Kysely<Database>,
  caseId: string,
  userId: string,
): Promise<string | null> {
  const r = await db
    .selectFrom('case_events')
    .select('at')
    .where('case_id', '=', caseId)
    .where('type', '=', 'case.viewed')
    .where('actor_user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.at ?? null;
}
