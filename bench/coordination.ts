// Coordination at scale, measured on SQLite and PostgreSQL through the real app (app.inject, so the
// HTTP stack, sessions, access checks, decryption and page rendering are all counted):
// (1) the team's case page and the API answer for one case with 500 parties (each with a contact)
// and 2,000 messages (reporter thread, internal notes, party threads) — target < 100 ms median;
// (2) the inbox (page and API) over 100,000 cases of the user's projects — target p95 < 50 ms.
// Rewrites the "Coordination" section of docs/benchmarks.md. Run alone with
// `node --import tsx bench/coordination.ts`.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openCore } from '../src/bootstrap.ts';
import { buildApp } from '../src/http/app.ts';
import { sql } from 'kysely';
import { hashSecret } from '../src/services/deps.ts';
import { reportInput } from '../test/helpers/factories.ts';
import { sqliteDatabase, postgresDatabase, type BenchDatabase } from './children.ts';
import { machine, writeSection } from './report-doc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOC = path.join(here, '..', 'docs', 'benchmarks.md');
const HEADING = '## Coordination';
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PARTIES = 500;
const MESSAGES = 2_000;
const CASES = 100_000;
const ROUNDS = 30;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function timed(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(i); // warm caches and JIT
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

interface Figures {
  name: string;
  seedCaseS: number;
  pageMs: number[];
  pageAllMs: number[];
  apiMs: number[];
  pageBytes: number;
  seedInboxS: number;
  inboxMs: number[];
  inboxApiMs: number[];
  inboxFilteredMs: number[];
}

async function measure(name: string, bdb: BenchDatabase): Promise<Figures> {
  const config = loadConfig({
    ...bdb.env,
    LOG_LEVEL: 'silent',
    PARLEY_PUBLIC_URL: 'http://localhost:8080',
    PARLEY_INTAKE_RATE_LIMIT: '1000000',
    PARLEY_LOGIN_RATE_LIMIT: '1000000',
    // The seeding writes 500 reporter messages in a minute; the per-reporter limits are off here.
    PARLEY_CASE_MESSAGES_PER_10MIN: '0',
    PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
    PARLEY_REPORTER_REPORTS_PER_DAY: '0',
  });
  const core = await openCore(config, { migrate: true });
  const s = core.services;
  const app = await buildApp({ config, services: s, secret: core.secret, logger: false });
  await app.ready();
  try {
    await s.projects.create('system', { slug: 'bench', name: 'Bench', key: 'BENCH' });
    const password = 'correct horse battery staple';
    const user = await s.auth.createUser({ email: 'm@example.org', name: 'M', password }, { admin: false });
    await s.projects.addMemberAsSystem('bench', user.email, 'maintainer');
    const actor = { kind: 'user' as const, user, via: 'session' as const };
    const { sessionSecret } = await s.auth.login(user.email, password, {});
    const { token } = await s.auth.createApiToken(user.email, 'bench');
    const cookie = `parley_session=${sessionSecret}`;

    // (1) one big case
    let t0 = performance.now();
    const c = await s.cases.submitReport('bench', reportInput({ title: 'Big coordinated case' }), 'api');
    const ref = { id: c.id };
    const reporter = { kind: 'reporter' as const, caseId: c.id };
    const partyIds: string[] = [];
    for (let i = 0; i < PARTIES; i++) {
      const p = await s.parties.add(actor, ref, {
        organisation: `Vendor ${String(i).padStart(3, '0')}`,
        contacts: `psirt${i}@vendor${i}.example`,
      });
      partyIds.push(p.id);
    }
    for (let i = 0; i < MESSAGES; i++) {
      const body = `Message ${i}: ${'details of the fix and the release plan. '.repeat(6)}`;
      if (i % 4 === 0) await s.cases.addMessage(reporter, ref, { body });
      else if (i % 4 === 1) await s.cases.addMessage(actor, ref, { body });
      else if (i % 4 === 2) await s.cases.addMessage(actor, ref, { body, internal: true });
      else
        await s.cases.addMessage(actor, ref, { body, audience: 'parties', partyId: partyIds[i % PARTIES] });
    }
    const seedCaseS = (performance.now() - t0) / 1000;
    const pageRes = await app.inject({ method: 'GET', url: `/cases/${c.key}`, headers: { cookie } });
    if (pageRes.statusCode !== 200) throw new Error(`case page: ${pageRes.statusCode}`);
    const pageMs = await timed(ROUNDS, async () => {
      const r = await app.inject({ method: 'GET', url: `/cases/${c.key}`, headers: { cookie } });
      if (r.statusCode !== 200) throw new Error(`case page: ${r.statusCode}`);
    });
    // The whole timeline on request (?timeline=all): 2,500 entries rendered, for the record.
    const pageAllMs = await timed(10, async () => {
      const r = await app.inject({ method: 'GET', url: `/cases/${c.key}?timeline=all`, headers: { cookie } });
      if (r.statusCode !== 200) throw new Error(`case page: ${r.statusCode}`);
    });
    const apiMs = await timed(ROUNDS, async () => {
      const r = await app.inject({
        method: 'GET',
        url: `/api/v1/reports/${c.id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      if (r.statusCode !== 200) throw new Error(`case API: ${r.statusCode}`);
    });

    // (2) 100,000 cases: rows copied from a real one (through the storage layer, so encrypted at
    // rest like any other), spread over states and deadlines.
    t0 = performance.now();
    const template = (await core.handle.db
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow())!;
    const states = ['new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'closed'];
    const BATCH = dialectBatch(core.handle.dialect);
    for (let start = 0; start < CASES; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(CASES, start + BATCH); i++) {
        const n = i + 2;
        const created = new Date(Date.parse('2025-01-01T00:00:00Z') + i * 300_000).toISOString();
        const state = states[i % states.length]!;
        rows.push({
          ...template,
          id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
          number: n,
          key: `BENCH-${n}`,
          title: `Bench report ${n}`,
          reporter_token_hash: hashSecret(`bench-${n}`),
          state,
          created_at: created,
          updated_at: created,
          closed_at: state === 'closed' ? created : null,
          resolution: state === 'closed' ? 'not-a-vulnerability' : null,
          next_due_at:
            state === 'closed' ? null : new Date(Date.parse(created) + 86_400_000 * (i % 40)).toISOString(),
        });
      }
      await core.handle.db.insertInto('cases').values(rows).execute();
    }
    await core.handle.db
      .updateTable('projects')
      .set({ last_case_number: CASES + 1 })
      .where('slug', '=', 'bench')
      .execute();
    const seedInboxS = (performance.now() - t0) / 1000;
    // PostgreSQL's autovacuum analyzes a table within a minute of a bulk load like this one; the
    // bench does it at once so that it measures the steady state, not the minute after the load.
    if (core.handle.dialect === 'postgres') await sql`vacuum analyze cases`.execute(core.handle.db);
    const inboxMs = await timed(ROUNDS, async (i) => {
      const r = await app.inject({ method: 'GET', url: `/inbox?page=${1 + (i % 5)}`, headers: { cookie } });
      if (r.statusCode !== 200) throw new Error(`inbox: ${r.statusCode}`);
    });
    const inboxApiMs = await timed(ROUNDS, async (i) => {
      const r = await app.inject({
        method: 'GET',
        url: `/api/v1/reports?state=open&limit=50&offset=${(i % 5) * 50}`,
        headers: { authorization: `Bearer ${token}` },
      });
      if (r.statusCode !== 200) throw new Error(`inbox API: ${r.statusCode}`);
    });
    const inboxFilteredMs = await timed(ROUNDS, async (i) => {
      const r = await app.inject({
        method: 'GET',
        url: `/inbox?state=${states[i % 5]}&order=newest`,
        headers: { cookie },
      });
      if (r.statusCode !== 200) throw new Error(`inbox: ${r.statusCode}`);
    });
    return {
      name,
      seedCaseS,
      pageMs,
      pageAllMs,
      apiMs,
      pageBytes: pageRes.body.length,
      seedInboxS,
      inboxMs,
      inboxApiMs,
      inboxFilteredMs,
    };
  } finally {
    await app.close();
    await core.close();
  }
}

function dialectBatch(d: string) {
  // SQLite binds at most 32,766 parameters per statement; a case row has about 40 columns.
  return d === 'sqlite' ? 500 : 1000;
}

const results: Figures[] = [];
for (const [name, make] of [
  ['SQLite', async () => sqliteDatabase()],
  ['PostgreSQL', () => postgresDatabase(PG_URL)],
] as const) {
  const bdb = await make();
  try {
    const f = await measure(name, bdb);
    results.push(f);
    console.log(
      `${name}: case page median ${pct(f.pageMs, 0.5).toFixed(1)} ms, API ${pct(f.apiMs, 0.5).toFixed(1)} ms; inbox p95 ${pct(f.inboxMs, 0.95).toFixed(1)} ms, API p95 ${pct(f.inboxApiMs, 0.95).toFixed(1)} ms`,
    );
  } finally {
    await bdb.drop();
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
const rows = results
  .map(
    (f) =>
      `| ${f.name} | ${ms(pct(f.pageMs, 0.5))} / ${ms(pct(f.pageMs, 0.95))} | ${ms(pct(f.apiMs, 0.5))} / ${ms(pct(f.apiMs, 0.95))} | ${ms(pct(f.inboxMs, 0.5))} / ${ms(pct(f.inboxMs, 0.95))} | ${ms(pct(f.inboxApiMs, 0.5))} / ${ms(pct(f.inboxApiMs, 0.95))} | ${ms(pct(f.inboxFilteredMs, 0.95))} | ${ms(pct(f.pageAllMs, 0.5))} | ${f.seedCaseS.toFixed(1)} s / ${f.seedInboxS.toFixed(1)} s |`,
  )
  .join('\n');
const targets = results
  .map(
    (f) =>
      `- ${f.name}: case page median < 100 ms ${met(pct(f.pageMs, 0.5) < 100)}, case API median < 100 ms ${met(pct(f.apiMs, 0.5) < 100)}, inbox p95 < 50 ms ${met(pct(f.inboxMs, 0.95) < 50)} (API ${met(pct(f.inboxApiMs, 0.95) < 50)}).`,
  )
  .join('\n');
writeSection(
  DOC,
  HEADING,
  `${HEADING}

Run with \`npm run bench\` (bench/coordination.ts). Last run: ${new Date().toISOString()} on ${machine()}.

Through the real app with \`app.inject\` (session cookie or bearer token, access checks, decryption
at rest, rendering): **one case with ${PARTIES} parties (one contact each) and ${MESSAGES.toLocaleString('en-US')} messages**
(a quarter each: reporter, team reply, internal note, party thread) — the team's case page
(${Math.round((results[0]?.pageBytes ?? 0) / 1024)} KiB of HTML on SQLite) and \`GET /api/v1/reports/{id}\`, both with the latest 200 timeline
entries they show by default (and, for the record, the page with \`?timeline=all\`: 2,500 entries); then **the inbox over
${CASES.toLocaleString('en-US')} cases** of the user's project (default view: open cases by deadline, pages 1–5; the API's
\`state=open&limit=50\`; and a one-state filter ordered by newest). ${ROUNDS} timed requests each after 3 warm-up requests.
On PostgreSQL the cases table is vacuumed and analyzed after the bulk load, as autovacuum does within a minute.

| database | case page median / p95 | case API median / p95 | inbox page median / p95 | inbox API median / p95 | inbox, one state, p95 | case page, whole timeline, median | seeding (case / 100k cases) |
|---|---|---|---|---|---|---|---|
${rows}

Targets:
${targets}
`,
);
console.log(`Wrote ${path.relative(process.cwd(), DOC)}.`);
void os;
