// Seeds a fresh Parley data directory (or PostgreSQL database) for the scanners (bench/scan.ts and
// test/integration/scanner-smoke.test.ts): a project with a real policy, a maintainer with a password
// and an API token, cases with their reporter links, and a published advisory — so the scanners hit
// pages and API answers that have rows behind them, not just "not found".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openCore } from '../src/bootstrap.ts';
import type { Actor } from '../src/services/actor.ts';
import { advisoryContent } from '../test/helpers/advisories.ts';
import { reportInput } from '../test/helpers/factories.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ScanWorld {
  slug: string;
  email: string;
  password: string;
  /** Personal API token of the maintainer (every scope). */
  apiToken: string;
  cases: { id: string; key: string; token: string }[];
  advisoryId: string;
  /** The published advisory's first affected package (for /v1/query). */
  pkg: { ecosystem: string; name: string };
}

/**
 * The rate limits a scanner would otherwise run into: its thousands of requests from one address
 * would be answered 429 after the first few, and a 429 hides whatever the handler would have done
 * with the payload. Raised for the scan only; production keeps the defaults (src/config.ts).
 */
export const SCAN_LIMITS_ENV: Record<string, string> = {
  PARLEY_INTAKE_RATE_LIMIT: '10000000',
  PARLEY_LOGIN_RATE_LIMIT: '10000000',
  PARLEY_QUERY_RATE_LIMIT: '10000000',
  PARLEY_REPLY_RATE_LIMIT: '10000000',
  PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
  PARLEY_REPORTER_REPORTS_PER_DAY: '0',
  PARLEY_CASE_MESSAGES_PER_10MIN: '0',
  LOG_LEVEL: 'warn',
};

/** Opens the database of `env` (migrating it), fills it, and closes it again before the server starts. */
export async function seedScanWorld(env: Record<string, string>): Promise<ScanWorld> {
  const core = await openCore(loadConfig(env), { migrate: true });
  try {
    const s = core.services;
    const slug = 'acme-widgets';
    const email = 'maintainer@acme.example';
    const password = 'scan-password-correct-horse-9';
    await s.projects.create('system', { slug, name: 'Acme Widgets' });
    const user = await s.auth.createUser({ email, name: 'Mia Maintainer', password }, { admin: false });
    await s.projects.addMemberAsSystem(slug, email, 'maintainer');
    const actor: Actor = { kind: 'user', user, via: 'session' };
    await s.policies.save(actor, slug, {
      source: fs.readFileSync(path.join(root, 'examples/policies/kubernetes-controller.yaml'), 'utf8'),
    });
    const apiToken = (await s.auth.createApiToken(email, 'scanner')).token;
    const cases = [];
    for (const [i, title] of [
      'Path traversal in archive extraction',
      'SSRF in webhook delivery',
      'Token leaked in debug log',
    ].entries()) {
      const r = await s.cases.submitReport(
        slug,
        reportInput({ title, reporterEmail: `reporter${i}@example.org` }),
        'api',
      );
      cases.push({ id: r.id, key: r.key, token: r.accessToken });
    }
    const content = advisoryContent();
    const draft = await s.advisories.create(actor, slug, { content });
    const published = await s.publishing.publish(actor, draft.uid);
    const advisoryId = published.id;
    if (!advisoryId) throw new Error('the advisory got no id');
    const affected = content.affected[0]!;
    return {
      slug,
      email,
      password,
      apiToken,
      cases,
      advisoryId,
      pkg: { ecosystem: affected.ecosystem, name: affected.name },
    };
  } finally {
    await core.close();
  }
}
