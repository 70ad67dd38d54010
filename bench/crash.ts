// Crash safety, the long run: on SQLite and PostgreSQL, the real server (a child process) takes reports
// by API, form and mail at full speed and is SIGKILLed at seeded random moments, PARLEY_CRASH_KILLS
// times (default 40), restarted after each; then the checks of test/helpers/crash-check.ts (nothing
// acknowledged lost, nothing half-written, mail exactly once per Message-ID, every notification at
// the SMTP sink). Rewrites the "Crash safety" sections of docs/benchmarks.md and
// docs/security-testing.md. Run alone with `node --import tsx bench/crash.ts` (PARLEY_CRASH_SEED=<n>
// replays its kill schedule and inputs; PARLEY_CRASH_DIALECTS=sqlite runs one dialect).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCrashScenario, median, type CrashRunResult } from '../test/helpers/crash-scenario.ts';
import { cpuBusy, machine, writeSection } from './report-doc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BENCH_DOC = path.join(here, '..', 'docs', 'benchmarks.md');
const SECURITY_DOC = path.join(here, '..', 'docs', 'security-testing.md');
const HEADING = '## Crash safety';
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KILLS = Number(process.env.PARLEY_CRASH_KILLS ?? 40);
const SEED = Number(process.env.PARLEY_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const DIALECTS = (process.env.PARLEY_CRASH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<
  'sqlite' | 'postgres'
>;

const busy = await cpuBusy(1000);
console.log(`Crash safety: ${KILLS} kills per dialect, seed ${SEED}; CPU busy before: ${busy} %`);
const results: CrashRunResult[] = [];
for (const dialect of DIALECTS) {
  const r = await runCrashScenario({
    dialect,
    seed: SEED,
    kills: KILLS,
    upMs: [500, 4000],
    apiClients: 6,
    formClients: 3,
    mailClients: 3,
    pgUrl: PG_URL,
    drainTimeoutMs: 120_000,
    log: (l) => console.log(`  ${l}`),
  });
  results.push(r);
  for (const p of r.problems) console.log(`  PROBLEM: ${p}`);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const date = new Date().toISOString().slice(0, 10);
const ok = results.every((r) => !r.problems.length && r.lost === 0 && r.halfWritten === 0);
const table = [
  '| | ' + results.map((r) => r.dialect).join(' | ') + ' |',
  '|---|' + results.map(() => '---:').join('|') + '|',
  ...(
    [
      ['kills (SIGKILL)', (r) => fmt(r.kills)],
      ['reports acknowledged (API 201 + form 303)', (r) => fmt(r.acknowledged)],
      ['requests cut in flight by a kill', (r) => fmt(r.load.failed)],
      ['requests refused while the server was down', (r) => fmt(r.load.refused)],
      ['cases in the database', (r) => fmt(r.cases)],
      ['**acknowledged reports lost or changed**', (r) => `**${r.lost}**`],
      ['**half-written cases**', (r) => `**${r.halfWritten}**`],
      ['mails answered 250 (each a case)', (r) => fmt(r.mailsAcked)],
      ['mails re-sent after a 250 (same Message-ID)', (r) => fmt(r.mailResends)],
      ['**cases opened twice from one Message-ID**', (r) => `**${r.mailDuplicates}**`],
      ['notification mails (outbox rows)', (r) => fmt(r.outboxRows)],
      ['**notification mails lost**', (r) => `**${r.outboxLost + r.outboxUnsent}**`],
      ['kills during delivery', (r) => fmt(r.killsDuringDelivery)],
      ['deliveries in flight at those kills', (r) => fmt(r.inFlightAtKills)],
      ['duplicate mails at the relay (same Message-ID)', (r) => fmt(r.outboxDuplicates)],
      ['mails under an unknown Message-ID', (r) => fmt(r.strangers)],
      ['notification jobs run again after a kill', (r) => fmt(r.jobsRerun)],
      [
        'recovery: spawn to /readyz, median (max)',
        (r) => `${fmt(median(r.recoveryMs))} ms (${fmt(Math.max(...r.recoveryMs))} ms)`,
      ],
      ['final drain of jobs and outbox', (r) => `${fmt(r.drainMs)} ms`],
      ['run time', (r) => `${Math.round(r.durationMs / 1000)} s`],
    ] as Array<[string, (r: CrashRunResult) => string]>
  ).map(([name, f]) => `| ${name} | ${results.map(f).join(' | ')} |`),
];
const busyNote =
  busy > 25
    ? `\n**Other processes used ${busy} % of the CPU when the run started: recovery times are inflated.**\n`
    : '';

writeSection(
  BENCH_DOC,
  HEADING,
  `${HEADING}

Measured ${date} by \`node --import tsx bench/crash.ts\` (seed ${SEED}) on ${machine()}.
The real server (\`parley serve\`, a child process) took reports by API (6 clients), the no-JS form
(3) and mail to its SMTP listener (3) at full speed and was killed with SIGKILL ${KILLS} times per
dialect, after 0.5–4 s up each time, and restarted; then its jobs and outbox were drained into a
loopback SMTP relay and everything was checked (see [security-testing.md](security-testing.md#crash-safety)).
Result: ${ok ? 'nothing acknowledged was lost, nothing half-written' : '**PROBLEMS FOUND — see the bench output**'}.
${busyNote}
${table.join('\n')}

Duplicates at the relay are the one thing a crash can cause: a mail the relay accepted (250) just
before the kill, whose row was not yet marked sent, is sent again after the lease under the same
Message-ID (the outbox row id), so the receiving side can drop it. Recovery time is mostly Node
loading Parley's TypeScript through tsx; the database needs no repair step (SQLite WAL recovery and
PostgreSQL crash recovery are part of opening it).
`,
);

const figures = results
  .map(
    (r) =>
      `- ${r.dialect}: ${fmt(r.kills)} kills, ${fmt(r.acknowledged)} reports and ${fmt(r.mailsAcked)} mails ` +
      `acknowledged, **${r.lost} lost, ${r.halfWritten} half-written**, ${r.mailDuplicates} mail cases doubled, ` +
      `${fmt(r.outboxRows)} notifications with ${r.outboxLost + r.outboxUnsent} lost and ${r.outboxDuplicates} ` +
      `duplicates (≤ ${r.inFlightAtKills} in flight at the kills), recovery median ${fmt(median(r.recoveryMs))} ms.`,
  )
  .join('\n');

writeSection(
  SECURITY_DOC,
  HEADING,
  `${HEADING}

**What is proven.** Parley answers a report (API \`201\`, form \`303\`, SMTP \`250\`) only after the
transaction holding it has committed durably, so a crash at any moment loses nothing it acknowledged
and leaves no half-written case. The test kills the real server with SIGKILL at random moments while
clients submit at full speed, restarts it on the same data, and checks on SQLite and PostgreSQL:

- every acknowledged report is present and intact: read back through the app's storage layer (so
  encrypted columns are decrypted) by its reporter token, every field equal to what was sent;
- no half-written case: case numbers are 1..N without gaps and match the project's counter, keys
  match numbers, every case has exactly one \`report.created\` event, every web/API case its
  notification job (written in the same transaction), every mailed case exactly one \`inbound_mail\`
  record, and every case its team notification in the outbox;
- inbound mail: clients behave like a relay — a mail not answered 250 is sent again, and after every
  restart the last acknowledged mail is re-sent with the same Message-ID; every mail becomes exactly
  one case (Message-ID de-duplication);
- outbox delivery: after the final restart and drain every notification reached the SMTP relay
  (none lost). Exactly-once over SMTP is impossible in general (a kill after the relay's 250 and
  before the row is marked sent), so duplicates are counted: each carries the same Message-ID as its
  original (the outbox row id; a mail under any other id fails the test), and there are no more of
  them than deliveries in flight at the kills;
- a job killed mid-run runs again when its lease ends (\`PARLEY_JOB_LEASE_SECONDS\`, default 300;
  outbox rows \`PARLEY_OUTBOX_LEASE_SECONDS\`, default 120; the test uses 5 s).

Requests cut by a kill may or may not have landed; if one landed, it is whole (checked above).

**How to run.** The fast share is part of \`npm test\`:
\`node --import tsx --test test/integration/crash-safety.test.ts\` (3 kills per dialect; the seed is
printed, \`PARLEY_CRASH_SEED=<n>\` replays its kill schedule and inputs). The long run is
\`node --import tsx bench/crash.ts\` (\`PARLEY_CRASH_KILLS\`, default 40 per dialect), also run by
\`bench/run.ts\`; it rewrites this section and the one in [benchmarks.md](benchmarks.md#crash-safety).

**Latest figures** (${date}, seed ${SEED}, ${KILLS} kills per dialect, ${machine()}${busy > 25 ? `; other processes used ${busy} % of the CPU, so recovery times are inflated` : ''}):

${figures}
`,
);
console.log(`Wrote the crash safety sections of docs/benchmarks.md and docs/security-testing.md.`);
if (!ok) process.exitCode = 1;
