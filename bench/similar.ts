// Duplicate suggestions, measured: a project with 5,000 open cases of realistic, varied text, then
// `triage.similarCases` for a new case — cold (empty term cache: every candidate's text read and
// tokenised) and warm (cache filled; only the candidate list is read) — plus the pure ranking and the
// cache's memory. On SQLite and PostgreSQL through openCore (so with encryption at rest when the
// instance has it). Rewrites the "Duplicate suggestions" section of docs/benchmarks.md. Run alone
// with `node --expose-gc --import tsx bench/similar.ts`, or as part of `npm run bench`.
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openCore } from '../src/bootstrap.ts';
import type { Actor } from '../src/services/actor.ts';
import { TriageService } from '../src/services/triage/triage.service.ts';
import { rankSimilar, termCounts } from '../src/domain/text-similarity.ts';
import { sqliteDatabase, postgresDatabase, type BenchDatabase } from './children.ts';
import { writeSection } from './report-doc.ts';

const DOC = path.resolve('docs/benchmarks.md');
const HEADING = '## Duplicate suggestions';
const OPEN_CASES = 5_000;
const WARM_RUNS = 20;
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// Deterministic variety: components × bug classes × details, so IDF has real work to do.
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const COMPONENTS = [
  'archive extractor',
  'webhook delivery',
  'session middleware',
  'markdown renderer',
  'search endpoint',
  'upload handler',
  'OAuth callback',
  'PDF export',
  'image resizer',
  'admin API',
  'CSV import',
  'SAML login',
  'password reset',
  'GraphQL resolver',
  'metrics exporter',
  'backup restore',
  'YAML loader',
  'template engine',
  'rate limiter',
  'audit log',
  'SSH key import',
  'DNS resolver',
  'proxy',
  'cache layer',
  'job runner',
];
const CLASSES = [
  ['path traversal', 'writes files outside the target directory using ../ sequences in the name'],
  ['server-side request forgery', 'makes the server fetch internal addresses such as 169.254.169.254'],
  ['stored cross-site scripting', 'stores markup that runs script in the browser of every visitor'],
  ['SQL injection', 'concatenates the parameter into the query so a quote ends the string literal'],
  ['denial of service', 'exhausts memory or CPU with a small crafted input that expands or backtracks'],
  ['authentication bypass', 'accepts a token whose signature was never checked against the key'],
  ['information disclosure', 'returns stack traces, secrets or other users’ data in the error response'],
  ['open redirect', 'sends the user to any address given in the next parameter after sign-in'],
  ['insecure deserialization', 'turns attacker-controlled bytes into objects whose constructors run code'],
  ['privilege escalation', 'lets a read-only member call the maintainer-only action through the API'],
] as const;
const DETAILS = [
  'The check happens before URL decoding.',
  'Only the first element of the list is validated.',
  'The limit is applied per request, not per user.',
  'Symlinks are followed without checking the target.',
  'The regular expression has nested quantifiers.',
  'Redirects are followed without a second check.',
  'The value is logged at debug level.',
  'Errors fall back to an allow-all default.',
  'The comparison is not constant time.',
  'Headers from the client are trusted as is.',
  'A race between the check and the use lets a second request through.',
  'Unicode normalisation happens later.',
];

const SYLLABLES = [
  'ka',
  'ro',
  'mi',
  'tus',
  'len',
  'dar',
  'vex',
  'po',
  'quin',
  'sel',
  'bra',
  'to',
  'nim',
  'ur',
];
/** Identifiers of a code base (functions, files, parameters): what makes real reports distinct. */
const word = () => Array.from({ length: 2 + Math.floor(rnd() * 2) }, () => pick(SYLLABLES)).join('');
const identifiers = () =>
  [`${word()}_${word()}()`, `pkg/${word()}/${word()}.go`, `the ${word()} parameter`].join(', ');

/** Report i, the same every run (seeded per report, so one can be made again for the reworded copy). */
function report(i: number) {
  seed = 1000 + i * 7919;
  const component = pick(COMPONENTS);
  const [cls, what] = pick(CLASSES);
  const details = Array.from({ length: 3 + Math.floor(rnd() * 5) }, () => pick(DETAILS)).join(' ');
  return {
    title: `${cls[0]!.toUpperCase()}${cls.slice(1)} in the ${component}`,
    description:
      `The ${component} ${what}. Code involved: ${identifiers()}. ${details} An attacker who can reach the ` +
      `${component} can exploit this remotely without special privileges. Found while reviewing release ` +
      `${1 + (i % 9)}.${i % 17}.`,
    stepsToReproduce: `1. Send the crafted request to the ${component}\n2. Observe the effect`,
    impact: 'Depends on the deployment; at worst full compromise of the service.',
    affectedVersions: `>= 1.${i % 9}.0`,
    reporterEmail: `finder${i % 400}@example.org`,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gc = (globalThis as { gc?: () => void }).gc;

interface Figures {
  name: string;
  seedMs: number;
  coldMs: number;
  warmMs: number;
  rankMs: number;
  suggestions: number;
  foundPlanted: boolean;
  cacheMb: number | null;
}

async function measure(name: string, db: BenchDatabase): Promise<Figures> {
  // Filing thousands of reports from 400 addresses would trip the per-reporter limits.
  const config = loadConfig({
    ...db.env,
    LOG_LEVEL: 'silent',
    PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
    PARLEY_REPORTER_REPORTS_PER_DAY: '0',
  });
  const core = await openCore(config, { migrate: true });
  try {
    const s = core.services;
    await s.projects.create('system', { slug: 'busy', name: 'Busy project' });
    const t0 = performance.now();
    for (let i = 0; i < OPEN_CASES; i += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, OPEN_CASES - i) }, (_, j) =>
          s.cases.submitReport('busy', report(i + j), 'api'),
        ),
      );
    }
    const seedMs = performance.now() - t0;
    const planted = await s.cases.submitReport('busy', report(OPEN_CASES), 'api');
    const copy = report(OPEN_CASES);
    const target = await s.cases.submitReport(
      'busy',
      {
        ...copy,
        title: `${copy.title}, found again`,
        description: `Reporting this again in my own words. ${copy.description.split('. ').reverse().join('. ')}`,
      },
      'api',
    );
    const admin = await s.auth.createUser(
      { email: 'admin@bench.example', name: 'Admin', password: 'correct horse battery staple' },
      { admin: true },
    );
    const actor: Actor = { kind: 'user', user: admin, via: 'session' };
    // A fresh service: its term cache is empty, as after a restart.
    const triage = new TriageService(s.deps, s.cases);
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let t = performance.now();
    const cold = await triage.similarCases(actor, { id: target.id });
    const coldMs = performance.now() - t;
    gc?.();
    const cacheMb = gc ? (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024 : null;
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      t = performance.now();
      await triage.similarCases(actor, { id: target.id });
      warm.push(performance.now() - t);
    }
    // The ranking alone, over the same 5,000 candidates' term counts.
    const candidates = Array.from({ length: OPEN_CASES }, (_, i) => {
      const r = report(i);
      return { id: String(i), counts: termCounts(r.title, r.description) };
    });
    const probe = termCounts(copy.title, copy.description);
    const ranks: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      t = performance.now();
      rankSimilar(probe, candidates);
      ranks.push(performance.now() - t);
    }
    return {
      name,
      seedMs,
      coldMs,
      warmMs: median(warm),
      rankMs: median(ranks),
      suggestions: cold.length,
      foundPlanted: cold[0]?.id === planted.id,
      cacheMb,
    };
  } finally {
    await core.close();
    await db.drop();
  }
}

const figures = [await measure('SQLite', sqliteDatabase())];
try {
  figures.push(await measure('PostgreSQL', await postgresDatabase(PG_URL)));
} catch (e) {
  console.error(`PostgreSQL skipped: ${String(e)}`);
}

const section = `${HEADING}

Run with \`npm run bench\` (bench/similar.ts; alone: \`node --expose-gc --import tsx bench/similar.ts\`).
Last run: ${new Date().toISOString()}.

**Machine:** ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}.

**Method.** One project with ${OPEN_CASES.toLocaleString('en-US')} open cases (generated reports: 25 components ×
10 bug classes × random detail sentences and code identifiers, ~600 characters each, 400 reporters — so
about 20 cases share each component and bug class), filed through intake; then one more case that
restates an earlier one (its sentences reordered, a sentence and words added). \`similarCases\` for it on a fresh TriageService (**cold**: the
term cache is empty, every candidate's title and description is read — and decrypted where encryption at
rest is on — and tokenised), then ${WARM_RUNS} more calls (**warm**, median: only the candidate list is read;
term counts come from the cache). **Ranking** is \`rankSimilar\` alone over the ${OPEN_CASES.toLocaleString('en-US')}
candidates (median of ${WARM_RUNS}). The candidate set is bounded at 10,000 (newest first).

| database | filing ${OPEN_CASES.toLocaleString('en-US')} cases | cold | warm | ranking only | suggestions | reworded original first | cache heap |
|---|---|---|---|---|---|---|---|
${figures
  .map(
    (f) =>
      `| ${f.name} | ${(f.seedMs / 1000).toFixed(1)} s | ${f.coldMs.toFixed(0)} ms | ${f.warmMs.toFixed(1)} ms | ${f.rankMs.toFixed(1)} ms | ${f.suggestions} | ${f.foundPlanted ? 'yes' : '**no**'} | ${f.cacheMb === null ? 'n/a (no --expose-gc)' : `${f.cacheMb.toFixed(0)} MB`} |`,
  )
  .join('\n')}
`;
writeSection(DOC, HEADING, section);
console.log(section);
if (figures.some((f) => !f.foundPlanted)) process.exitCode = 1;
