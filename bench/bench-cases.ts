// Case rows for benches that seed storage directly (bench/encryption.ts, bench/backup.ts): the size and
// shape of a real report, written through the repository's insertCases rather than the services, so
// that thousands are seeded in seconds.
import crypto from 'node:crypto';
import type { insertCases } from '../src/storage/repositories/case.repository.ts';

/** Random printable text of `n` characters (incompressible, like ciphertext-sized real text). */
export const text = (n: number) => crypto.randomBytes(n).toString('base64').slice(0, n);

type CaseRow = Parameters<typeof insertCases>[1][number];

/** Case number `number` (1-based) of the bench project, key BENCH-n, created at `now`. */
export function benchCaseRow(projectId: string, number: number, now: string): CaseRow {
  return {
    id: crypto.randomUUID(),
    project_id: projectId,
    number,
    key: `BENCH-${number}`,
    title: text(70),
    description: text(2000),
    steps_to_reproduce: text(800),
    impact: text(300),
    affected_versions: '>= 1.2.0, < 1.4.3',
    suggested_fix: text(400),
    reporter_email: 'r@example.org',
    reporter_user_id: null,
    reporter_token_hash: crypto.randomBytes(32).toString('hex'),
    credit_preference: 'name',
    credit_name: 'A. Finder',
    channel: 'api',
    state: 'new',
    needs_info: 0,
    created_at: now,
    updated_at: now,
    version_status: null,
    scope_category: null,
    next_due_at: null,
  };
}
