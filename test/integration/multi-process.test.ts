// Two Parley processes on one PostgreSQL database, as behind a load balancer: real servers
// (`node bin/parley.js serve`) sharing DATABASE_URL and the key file, mailing one SMTP sink. Reports
// are spread over both; when the queues have drained, every notification arrived exactly once (by
// Message-ID and by case and recipient), every job ran once, and no job ran in both processes
// (their logs and their /metrics counters add up to the rows, with none counted twice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { openCore, type Core } from '../../src/bootstrap.ts';
import { REPORT_CREATED_JOB } from '../../src/services/notify/case-notifier.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { makeMember, makeProject, reportInput } from '../helpers/factories.ts';
import {
  adminPgUrl,
  createServer,
  createServerDatabase,
  type ServerProcess,
} from '../helpers/server-process.ts';

const REPORTS = 150;
const MEMBERS = 3;

async function pgReachable(): Promise<boolean> {
  if (!adminPgUrl) return false;
  const c = new pg.Client({ connectionString: adminPgUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const reachable = await pgReachable();

/** `job done` log lines of one server: the ids of the jobs it ran to the end. */
function jobsDone(logFile: string): string[] {
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; jobId?: string })
    .filter((l) => l.msg === 'job done' && l.jobId)
    .map((l) => l.jobId!);
}

/** One counter from a server's /metrics (loopback: no token needed). */
async function counter(s: ServerProcess, series: string): Promise<number> {
  const res = await fetch(`${s.baseUrl}/metrics`, { headers: { accept: 'text/plain' } });
  assert.equal(res.status, 200);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test(
  'two processes on one PostgreSQL never run a job or deliver a notification twice',
  {
    skip: reachable
      ? false
      : `NO POSTGRESQL at ${adminPgUrl ? new URL(adminPgUrl).host : '(PARLEY_TEST_PG_URL empty)'}: skipped`,
    timeout: 240_000,
  },
  async () => {
    const sink = await startSmtpSink();
    const db = await createServerDatabase('postgres');
    const dirB = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-proc-b-'));
    // One key file for both, as every replica of an instance must share it.
    const keyFile = path.join(db.dataDir, 'secret.key');
    const env = {
      LOG_LEVEL: 'info',
      PARLEY_SECRET_KEY_FILE: keyFile,
      PARLEY_INTAKE_RATE_LIMIT: '100000',
      PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
      PARLEY_REPORTER_REPORTS_PER_DAY: '0',
      PARLEY_MAIL_FROM: 'Parley <parley@example.org>',
    };
    const logA = path.join(db.dataDir, 'a.log');
    const logB = path.join(dirB, 'b.log');
    const a = await createServer({ database: db, smtpUrl: sink.url, env, logFile: logA });
    const b = await createServer({
      database: { env: { ...db.env, PARLEY_DATA_DIR: dirB }, dataDir: dirB },
      migrate: false,
      smtpUrl: sink.url,
      env,
      logFile: logB,
    });
    let core: Core | undefined;
    try {
      await a.start(); // runs `parley migrate` first, and creates the key file
      await b.start();
      core = await openCore(
        loadConfig({ ...db.env, PARLEY_SECRET_KEY_FILE: keyFile, PARLEY_PUBLIC_URL: a.baseUrl }),
        { migrate: false },
      );
      const services = core.services;
      const project = await makeProject(services);
      const members = [];
      for (let i = 0; i < MEMBERS; i++)
        members.push(await makeMember(services, project.slug, i === 0 ? 'maintainer' : 'responder'));

      // Reports spread over both servers, ten at a time.
      const ids: string[] = [];
      let next = 0;
      const lane = async () => {
        while (next < REPORTS) {
          const i = next++;
          const server = i % 2 ? b : a;
          const res = await fetch(`${server.baseUrl}/api/v1/projects/${project.slug}/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(reportInput({ title: `Report ${i}`, reporterEmail: `r${i}@example.net` })),
          });
          assert.equal(res.status, 201, await res.clone().text());
          ids.push(((await res.json()) as { id: string }).id);
        }
      };
      await Promise.all(Array.from({ length: 10 }, lane));
      assert.equal(new Set(ids).size, REPORTS);

      // Drained: every report's job done, no mail waiting, and the sink holds one mail per row.
      const kdb = core.handle.db;
      const deadline = Date.now() + 180_000;
      let emailRows: { id: string; case_id: string | null; recipient_address: string | null }[] = [];
      for (;;) {
        const open = await kdb
          .selectFrom('jobs')
          .select('id')
          .where('kind', '=', REPORT_CREATED_JOB)
          .where('status', '!=', 'done')
          .execute();
        const done = await kdb
          .selectFrom('jobs')
          .select('id')
          .where('kind', '=', REPORT_CREATED_JOB)
          .execute();
        const waiting = await kdb
          .selectFrom('outbox')
          .select('id')
          .where('channel', '=', 'email')
          .where('status', '=', 'pending')
          .execute();
        emailRows = await kdb
          .selectFrom('outbox')
          .select(['id', 'case_id', 'recipient_address'])
          .where('channel', '=', 'email')
          .execute();
        if (
          done.length === REPORTS &&
          !open.length &&
          !waiting.length &&
          sink.messages.length >= emailRows.length
        )
          break;
        assert.ok(
          Date.now() < deadline,
          `not drained: ${open.length} jobs open, ${waiting.length} mails waiting, ${sink.messages.length}/${emailRows.length} received`,
        );
        await new Promise((r) => setTimeout(r, 250));
      }
      // A late duplicate would come within a poll or two.
      await new Promise((r) => setTimeout(r, 2500));

      const jobRuns = `parley_job_runs_total{kind="${REPORT_CREATED_JOB}",outcome="done"}`;
      const sent = 'parley_outbox_deliveries_total{channel="email",outcome="sent"}';
      const runsA = await counter(a, jobRuns);
      const runsB = await counter(b, jobRuns);
      const sentA = await counter(a, sent);
      const sentB = await counter(b, sent);
      await Promise.all([a.stop(), b.stop()]);

      // Every mail once: as many as outbox rows, each row's Message-ID exactly once.
      const expectedMails = REPORTS * (1 + MEMBERS); // receipt to the reporter + one per member
      assert.equal(
        emailRows.length,
        expectedMails,
        'outbox rows: a receipt and a mail per member per report',
      );
      assert.equal(sink.messages.length, emailRows.length, 'the sink got each mail once');
      const rowById = new Map(emailRows.map((r) => [r.id, r]));
      const seenIds = new Set<string>();
      const byCaseAndRecipient = new Map<string, number>();
      for (const m of sink.messages) {
        const header = /^Message-ID:\s*<([^@>]+)@[^>]+>/im.exec(m.raw.toString('utf8'));
        assert.ok(header, 'every mail has a Message-ID');
        const id = header[1]!;
        assert.ok(!seenIds.has(id), `Message-ID ${id} arrived twice`);
        seenIds.add(id);
        const row = rowById.get(id);
        assert.ok(row, `a mail whose Message-ID is no outbox row: ${id}`);
        assert.deepEqual(m.to, [row.recipient_address]);
        const key = `${row.case_id} ${m.to[0]}`;
        byCaseAndRecipient.set(key, (byCaseAndRecipient.get(key) ?? 0) + 1);
      }
      for (const caseId of ids) {
        for (const who of members.map((mm) => mm.email))
          assert.equal(byCaseAndRecipient.get(`${caseId} ${who}`), 1, `${who} about ${caseId}`);
      }
      assert.equal(
        [...byCaseAndRecipient.values()].filter((n) => n !== 1).length,
        0,
        'no (case, recipient) pair got two mails',
      );
      const notSentOnce = await kdb
        .selectFrom('outbox')
        .select(['id', 'status', 'attempts'])
        .where('channel', '=', 'email')
        .where((eb) => eb.or([eb('status', '!=', 'sent'), eb('attempts', '!=', 1)]))
        .execute();
      assert.deepEqual(notSentOnce, [], 'every mail row sent on its first and only attempt');

      // Every job once, and none in both processes.
      const reportJobs = await kdb
        .selectFrom('jobs')
        .select(['id', 'status', 'attempts'])
        .where('kind', '=', REPORT_CREATED_JOB)
        .execute();
      assert.equal(reportJobs.length, REPORTS);
      for (const j of reportJobs) assert.deepEqual([j.status, j.attempts], ['done', 1], `job ${j.id}`);
      const twice = await kdb.selectFrom('jobs').select(['id', 'kind']).where('attempts', '>', 1).execute();
      assert.deepEqual(twice, [], 'no job of any kind was claimed twice');
      const doneA = jobsDone(logA);
      const doneB = jobsDone(logB);
      const inBoth = doneA.filter((id) => doneB.includes(id));
      assert.deepEqual(inBoth, [], 'no job ran in both processes');
      assert.equal(new Set(doneA).size, doneA.length, 'no job ran twice in process A');
      assert.equal(new Set(doneB).size, doneB.length, 'no job ran twice in process B');
      for (const j of reportJobs)
        assert.ok(doneA.includes(j.id) || doneB.includes(j.id), `job ${j.id} is in a log`);

      // Both took part, and their counters add up to the rows, none counted twice.
      assert.ok(runsA > 0 && runsB > 0, `both ran jobs (A ${runsA}, B ${runsB})`);
      assert.equal(runsA + runsB, REPORTS);
      assert.ok(sentA > 0 && sentB > 0, `both sent mail (A ${sentA}, B ${sentB})`);
      assert.equal(sentA + sentB, expectedMails);
      console.log(
        `two processes: ${REPORTS} reports, jobs A ${runsA} / B ${runsB}, mails A ${sentA} / B ${sentB}, ` +
          `${sink.messages.length} received, 0 duplicates`,
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await core?.close();
      await sink.close();
      await db.drop();
      fs.rmSync(dirB, { recursive: true, force: true });
    }
  },
);
