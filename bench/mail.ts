// Mail, measured on SQLite and PostgreSQL with real parts: (1) publishing an advisory to an
// announcement list of 10,000 confirmed subscribers — the publish transaction that queues one signed
// mail per subscriber, then the outbox worker delivering them through nodemailer to a loopback SMTP
// sink (messages/s, peak RSS of this process during delivery); (2) inbound mail intake: mails sent
// by SMTP over loopback to Parley's listener, each becoming a case (mails/s). Rewrites the "Mail"
// section of docs/benchmarks.md. Run alone with `node --import tsx bench/mail.ts`.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/config.ts';
import { openCore } from '../src/bootstrap.ts';
import { OutboxWorker } from '../src/jobs/outbox-worker.ts';
import { createMailSender } from '../src/integrations/mail/mail-sender.ts';
import { startInboundSmtp } from '../src/integrations/mail/inbound-server.ts';
import { publishedAdvisory } from '../test/helpers/advisories.ts';
import { startSmtpSink } from '../test/helpers/smtp-sink.ts';
import { sqliteDatabase, postgresDatabase, type BenchDatabase } from './children.ts';
import { writeSection } from './report-doc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOC = path.join(here, '..', 'docs', 'benchmarks.md');
const HEADING = '## Mail';
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SUBSCRIBERS = 10_000;
const INBOUND = 1_000;

interface Figures {
  name: string;
  queueMs: number;
  deliverMs: number;
  delivered: number;
  peakRssMb: number;
  inboundMs: number;
  inboundCases: number;
}

async function measure(name: string, db: BenchDatabase): Promise<Figures> {
  const config = loadConfig({ ...db.env, LOG_LEVEL: 'silent', PARLEY_PUBLIC_URL: 'https://parley.example' });
  const core = await openCore(config, { migrate: true });
  const s = core.services;
  const sink = await startSmtpSink({ keepRaw: false });
  try {
    await s.projects.create('system', { slug: 'bench', name: 'Bench' });
    const project = (await core.handle.db
      .selectFrom('projects')
      .selectAll()
      .where('slug', '=', 'bench')
      .executeTakeFirstOrThrow())!;
    const user = await s.auth.createUser(
      {
        email: 'm@example.org',
        name: 'M',
        password: 'correct horse battery',
      },
      { admin: false },
    );
    await s.projects.addMemberAsSystem(project.slug, user.email, 'maintainer');
    const actor = { kind: 'user' as const, user, via: 'session' as const };
    await s.projectKeys.generate(actor, project.slug);
    // 10,000 confirmed subscribers, written directly: the subscription flow is not what is measured.
    const now = new Date().toISOString();
    for (let i = 0; i < SUBSCRIBERS; i += 500) {
      await core.handle.db
        .insertInto('subscribers')
        .values(
          Array.from({ length: Math.min(500, SUBSCRIBERS - i) }, (_, j) => ({
            id: crypto.randomUUID(),
            list_key: project.id,
            email: `sub${i + j}@example.org`,
            status: 'confirmed' as const,
            confirm_token_hash: null,
            created_at: now,
            confirmed_at: now,
            unsubscribed_at: null,
          })),
        )
        .execute();
    }
    const t0 = performance.now();
    await publishedAdvisory(s, actor, project.slug);
    const queueMs = performance.now() - t0;
    const worker = new OutboxWorker({
      db: core.handle.db,
      dialect: core.handle.dialect,
      senders: {
        email: createMailSender({
          smtpUrl: sink.url,
          from: 'Parley <security@parley.example>',
          domain: 'parley.example',
        }),
      },
      batchSize: 200,
      concurrency: 8,
    });
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t1 = performance.now();
    const r = await worker.runOnce();
    const deliverMs = performance.now() - t1;
    clearInterval(sampler);
    await worker.stop();
    if (sink.messages.length < SUBSCRIBERS) throw new Error(`only ${sink.messages.length} mails arrived`);

    // Inbound: mails to the project's address over SMTP, each committed as a case before the 250.
    const inbound = await startInboundSmtp({
      port: 0,
      host: '127.0.0.1',
      intake: s.mailIntake,
      logger: { info() {}, warn() {}, error() {} },
      maxBytes: config.inboundMaxBytes,
    });
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: inbound.port,
      ignoreTLS: true,
      pool: true,
      maxConnections: 8,
    });
    const domain = config.inboundDomain;
    const t2 = performance.now();
    await Promise.all(
      Array.from({ length: INBOUND }, (_, i) =>
        client.sendMail({
          from: `reporter${i}@example.net`,
          to: `bench@${domain}`,
          subject: `Bench report ${i}`,
          text: `## Description\nA bug ${i}.\n\n## Steps to reproduce\n1. run it\n\n## Impact\nsome`,
        }),
      ),
    );
    const inboundMs = performance.now() - t2;
    client.close();
    await inbound.close();
    const cases = await core.handle.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    return {
      name,
      queueMs,
      deliverMs,
      delivered: r.sent,
      peakRssMb: peak / 1024 / 1024,
      inboundMs,
      inboundCases: Number(cases.n),
    };
  } finally {
    await sink.close();
    await core.close();
  }
}

const figures: Figures[] = [];
for (const [name, make] of [
  ['SQLite', async () => sqliteDatabase()],
  ['PostgreSQL', () => postgresDatabase(PG_URL)],
] as const) {
  const db = await make();
  try {
    figures.push(await measure(name, db));
  } finally {
    await db.drop();
  }
}

const section = `${HEADING}

Run with \`npm run bench\` (bench/mail.ts). Last run: ${new Date().toISOString()}.

**Machine:** ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}.

**Announcement.** A project with an OpenPGP key and ${SUBSCRIBERS.toLocaleString('en-US')} confirmed
subscribers publishes an advisory: the publish transaction queues one mail per subscriber (signed once,
per-subscriber unsubscribe footer and headers). Then one outbox worker (batches of 200, 8 deliveries in
flight, a pool of 4 SMTP connections) delivers them with nodemailer to an SMTP server on loopback
(smtp-server, in the same process). Peak RSS is this whole process (bench, sink and Parley) sampled every
50 ms during delivery.

**Inbound.** ${INBOUND.toLocaleString('en-US')} report mails sent over 8 SMTP connections to Parley's
listener; each is parsed, mapped to the report fields and committed as a case (with its notifications)
before the 250 answer.

| database | publish (queue ${SUBSCRIBERS / 1000}k mails) | delivery | messages/s | peak RSS | inbound mails/s | cases made |
|---|---|---|---|---|---|---|
${figures
  .map(
    (f) =>
      `| ${f.name} | ${(f.queueMs / 1000).toFixed(1)} s | ${(f.deliverMs / 1000).toFixed(1)} s (${f.delivered} sent) | ${Math.round((f.delivered / f.deliverMs) * 1000)} | ${Math.round(f.peakRssMb)} MB | ${Math.round((INBOUND / f.inboundMs) * 1000)} | ${f.inboundCases} / ${INBOUND} |`,
  )
  .join('\n')}
`;
writeSection(DOC, HEADING, section);
console.log(section);
if (figures.some((f) => f.inboundCases !== INBOUND || f.delivered < SUBSCRIBERS)) process.exitCode = 1;
