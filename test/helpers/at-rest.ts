// Looking for a canary string in what the database keeps, bypassing Parley: on SQLite the raw bytes of
// the database file and its WAL (plus every table read without the encryption plugin, to name where a
// leak is), on PostgreSQL every row of every table as text. A canary is looked for as it is, in hex
// (how PostgreSQL prints bytea) and in base64 at each alignment (mail parts, JSON of buffers).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { TestDatabase } from './db.ts';
import type { TestApp } from './app.ts';
import { apiClient, patFor } from './api.ts';
import { makeMember, makeProject } from './factories.ts';
import { PageClient } from './page-client.ts';
import { startSmtpSink, parseSunk } from './smtp-sink.ts';
import { mailAuthHeaders } from '../../src/services/mail/mail-intake.service.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { registerNotifyReport } from '../../src/jobs/notify-report.job.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { createMailSender } from '../../src/integrations/mail/mail-sender.ts';

export function newCanary(): string {
  return `cnry${crypto.randomBytes(8).toString('hex')}`;
}

/** The byte strings that give the canary away. */
export function canaryForms(canary: string): Buffer[] {
  const raw = Buffer.from(canary, 'utf8');
  const forms = [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('hex').toUpperCase())];
  for (let o = 0; o < 3; o++) {
    const b64 = Buffer.concat([Buffer.alloc(o), raw]).toString('base64');
    // Only the 4-character groups made of canary bytes alone do not depend on what surrounds it.
    const start = Math.ceil(o / 3) * 4;
    const end = Math.floor((o + raw.length) / 3) * 4;
    forms.push(Buffer.from(b64.slice(start, end)));
  }
  return forms;
}

function contains(haystack: Buffer, forms: Buffer[]): boolean {
  return forms.some((f) => haystack.includes(f));
}

/** Tables holding the canary, read row by row past the encryption plugin. */
export async function tablesWithCanary(tdb: TestDatabase, canary: string): Promise<string[]> {
  const db = tdb.handle.db.withoutPlugins();
  const forms = canaryForms(canary);
  const tables =
    tdb.dialect === 'postgres'
      ? (
          await sql<{
            name: string;
          }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
        ).rows;
  const found: string[] = [];
  for (const { name } of tables) {
    const rows =
      tdb.dialect === 'postgres'
        ? (await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(db)).rows.map(
            (r) => Buffer.from(r.row),
          )
        : (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows.map((r) =>
            Buffer.concat(
              Object.values(r).map((v) =>
                v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(String(v)),
              ),
            ),
          );
    if (rows.some((r) => contains(r, forms))) found.push(name);
  }
  return found.sort();
}

/**
 * SQLite only: the database files that hold the canary, read as raw bytes; first with the WAL as
 * it is, then again after a checkpoint has moved everything into the main file.
 */
export async function sqliteFilesWithCanary(tdb: TestDatabase, canary: string): Promise<string[]> {
  const forms = canaryForms(canary);
  const base = path.join(tdb.dataDir, 'parley.db');
  const scan = (label: string) =>
    ['', '-wal', '-shm', '-journal']
      .filter((s) => fs.existsSync(base + s) && contains(fs.readFileSync(base + s), forms))
      .map((s) => `${label}${path.basename(base + s)}`);
  const before = scan('');
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(tdb.handle.db);
  return [...before, ...scan('after checkpoint: ')];
}

/** Every place the canary shows in the stored data of this dialect (empty: none). */
export async function canaryLeaks(tdb: TestDatabase, canary: string): Promise<string[]> {
  const tables = (await tablesWithCanary(tdb, canary)).map((t) => `table ${t}`);
  return tdb.dialect === 'sqlite' ? [...tables, ...(await sqliteFilesWithCanary(tdb, canary))] : tables;
}

/** What fillWithCanary made, for reading it back through the app. */
export interface CanaryWorld {
  slug: string;
  /** A maintainer's personal API token. */
  pat: string;
  maintainerEmail: string;
  webCase: { key: string; path: string };
  apiCase: { id: string; key: string };
  mailCase: { id: string; key: string };
  /** In the reporter's e-mail address, which is stored as it is: a check that the scan finds things. */
  plainCanary: string;
  /** Mail the SMTP sink received (details in mail are on, so these carry the canary). */
  mails: ParsedMail[];
}

/**
 * Puts the canary in everything a report touches, through the real HTTP app and the real services:
 * a web-form and an API report (every field), shared and internal messages, a reporter reply, a
 * title change, a severity reason, a mail report with attachments, in-app notices (the daily digest),
 * webhook and mail outbox rows (details in mail allowed), mail delivered to an SMTP sink.
 */
export async function fillWithCanary(t: TestApp, canary: string): Promise<CanaryWorld> {
  const s = t.services;
  const call = apiClient(t.app);
  const plainCanary = newCanary();
  const project = await makeProject(s, { name: 'Canary' });
  const slug = project.slug;
  const maint = await makeMember(s, slug, 'maintainer');
  await makeMember(s, slug, 'responder');
  const pat = await patFor(s, maint.email);
  await s.policies.save(maint.actor, slug, {
    source: 'policyFormat: 1\nnotifications:\n  detailsInMail: true\n',
  });
  await s.webhooks.create(maint.actor, slug, {
    url: 'https://hooks.example.org/parley',
    events: ['report.created', 'case.updated', 'case.message'],
  });
  const fields = (via: string) => ({
    title: `Title ${via} ${canary}`,
    description: `Description ${via} ${canary} with enough words to pass the length check.`,
    stepsToReproduce: `1. Steps ${via} ${canary}`,
    impact: `Impact ${via} ${canary}`,
    affectedVersions: `1.2.3-${canary}`,
    suggestedFix: `Fix ${via} ${canary}`,
    reporterEmail: `${plainCanary}@example.org`,
    creditPreference: 'name',
    creditName: `Credit ${canary}`,
  });

  // The web form, then a reply from the reporter's case page.
  const browser = new PageClient(t.app);
  const form = await browser.post(`/p/${slug}/report`, fields('web'), { csrfFrom: `/p/${slug}/report` });
  assert.equal(form.statusCode, 303, form.body);
  const webPath = String(form.headers.location);
  const reply = await browser.post(`${webPath}/messages`, { body: `Reply ${canary}` }, { csrfFrom: webPath });
  assert.ok(reply.statusCode < 400, reply.body);

  // The API, then the team's messages and changes.
  const created = await call('POST', `/api/v1/projects/${slug}/reports`, { body: fields('api') });
  assert.equal(created.status, 201, created.body);
  const apiCase = { id: created.json.id as string, key: created.json.key as string };
  for (const internal of [false, true]) {
    const m = await call('POST', `/api/v1/reports/${apiCase.id}/messages`, {
      token: pat,
      body: { body: `Message internal=${internal} ${canary}`, internal },
    });
    assert.equal(m.status, 201, m.body);
  }
  const patched = await call('PATCH', `/api/v1/reports/${apiCase.id}`, {
    token: pat,
    body: { title: `Renamed ${canary}`, severity: 'high', severityReason: `Reason ${canary}` },
  });
  assert.equal(patched.status, 200, patched.body);

  // A report by mail with two files, one binary with the canary inside.
  const raw = await new MailComposer({
    from: `${plainCanary}@example.org`,
    to: `${slug}@localhost`,
    subject: `Mail report ${canary}`,
    text: `Mail body ${canary}\n\nImpact: ${canary}`,
    attachments: [
      { filename: `proof-${canary}.txt`, content: `proof ${canary}` },
      { filename: 'dump.bin', content: Buffer.concat([crypto.randomBytes(64), Buffer.from(canary)]) },
    ],
  })
    .compile()
    .build();
  const parsed = await simpleParser(raw);
  const accepted = await s.mailIntake.accept({
    size: raw.length,
    envelopeFrom: `${plainCanary}@example.org`,
    recipients: [`${slug}@localhost`],
    remoteAddress: '192.0.2.7',
    parsed,
    ...mailAuthHeaders(parsed),
  });
  const mailCaseId = accepted.recipients[0]!.caseId!;
  const mailCase = (await s.cases.get(maint.actor, { id: mailCaseId })) as { key: string };

  // Notifications: the daily digest (it lists titles), the report jobs, then mail out to an SMTP server.
  await s.reminders.dailyDigest();
  const runner = new JobRunner({ db: t.tdb.handle.db, dialect: t.tdb.dialect });
  registerNotifyReport(runner, s);
  await runner.runDueOnce();
  const sink = await startSmtpSink();
  try {
    const worker = new OutboxWorker({
      db: t.tdb.handle.db,
      dialect: t.tdb.dialect,
      senders: {
        email: createMailSender({ smtpUrl: sink.url, from: 'Parley <p@localhost>', domain: 'localhost' }),
      },
    });
    await worker.runOnce();
    await worker.stop();
    const mails = await Promise.all(sink.messages.map(parseSunk));
    const webKey = (await s.cases.list(maint.actor, {})).items.find((c) => c.title.includes('web'))!.key;
    return {
      slug,
      pat,
      maintainerEmail: maint.email,
      webCase: { key: webKey, path: webPath },
      apiCase,
      mailCase: { id: mailCaseId, key: mailCase.key },
      plainCanary,
      mails,
    };
  } finally {
    await sink.close();
  }
}
