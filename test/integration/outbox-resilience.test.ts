// The outbox under failure, with real parts: a running worker delivering through nodemailer to a
// real SMTP server that is stopped (every connection cut) in the middle of a burst and started again
// later. Every notification must arrive exactly once afterwards. Also: permanent refusals become
// dead letters an admin can retry, and without SMTP configured mail waits in the queue. Both dialects.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import type net from 'node:net';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeUser } from '../helpers/factories.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { createMailSender } from '../../src/integrations/mail/mail-sender.ts';
import { queueMail } from '../../src/services/outbox/outbox-queue.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';

const DOMAIN = 'parley.example.test';
const N = 300;

function sender(url: string) {
  return createMailSender({ smtpUrl: url, from: `Parley <security@${DOMAIN}>`, domain: DOMAIN });
}

for (const dialect of dialects()) {
  describe(`outbox delivery under failure (${dialect})`, () => {
    let ts: TestServices;
    before(async () => {
      ts = await createTestServices(dialect);
    });
    after(() => ts.close());

    async function queue(n: number, tag: string) {
      const { db } = ts.tdb.handle;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < n; i++) {
          await queueMail(trx, ts.services.deps, {
            to: `r${i}@example.org`,
            kind: 'test.burst',
            subject: `${tag} ${i}`,
            text: `message ${i}`,
            dedupeKey: `${tag}:${i}`,
          });
        }
      });
    }

    test('the SMTP server goes away mid-burst and comes back: every mail arrives exactly once', async () => {
      const sink: SmtpSink = await startSmtpSink();
      const worker = new OutboxWorker({
        db: ts.tdb.handle.db,
        dialect,
        senders: { email: sender(sink.url) },
        pollIntervalMs: 20,
        batchSize: 20,
        // Quick retries so the test waits for the outage, not for an hour of backoff.
        backoff: () => 200,
        maxAttempts: 1000,
      });
      try {
        await queue(N, 'burst');
        worker.start();
        await sink.waitFor(40);
        await sink.stop();
        const atOutage = sink.messages.length;
        assert.ok(atOutage < N, 'the outage began while mail was still queued');
        await new Promise((r) => setTimeout(r, 1500));
        const retried = await ts.tdb.handle.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'test.burst')
          .where('last_error', 'is not', null)
          .executeTakeFirstOrThrow();
        assert.ok(Number(retried.n) > 0, 'deliveries failed during the outage and wait for a retry');
        await sink.start();
        await sink.waitFor(N);
        // Every row is marked sent, and a further pass sends nothing again.
        for (;;) {
          const left = await ts.tdb.handle.db
            .selectFrom('outbox')
            .select('id')
            .where('kind', '=', 'test.burst')
            .where('status', '!=', 'sent')
            .execute();
          if (!left.length) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await worker.stop();
        const ids = sink.messages.map((m) =>
          /^Message-ID: (.+)$/im.exec(m.raw.toString('utf8'))?.[1]?.trim(),
        );
        const subjects = new Set(
          sink.messages.map((m) => /^Subject: (.+)$/im.exec(m.raw.toString('utf8'))?.[1]),
        );
        assert.equal(sink.messages.length, N, 'no duplicates');
        assert.equal(new Set(ids).size, N, 'distinct Message-IDs');
        assert.equal(subjects.size, N, 'every notification');
        console.log(
          `# outage: ${atOutage}/${N} delivered before it, all ${N} exactly once after (${dialect})`,
        );
      } finally {
        await worker.stop();
        await sink.close();
      }
    });

    test('a permanent refusal is a dead letter at once; the admin retries it and it is delivered', async () => {
      // A server that refuses one mailbox with 550 (permanent) and takes everything else.
      const received: string[] = [];
      let refuse = true;
      const server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onRcptTo(address, _s, cb) {
          if (refuse && address.address === 'gone@example.org')
            return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
          cb();
        },
        onData(stream, session, cb) {
          stream.resume();
          stream.on('end', () => {
            received.push(session.envelope.rcptTo[0]!.address);
            cb();
          });
        },
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.server.address() as net.AddressInfo).port;
      const worker = new OutboxWorker({
        db: ts.tdb.handle.db,
        dialect,
        senders: { email: sender(`smtp://127.0.0.1:${port}`) },
      });
      const admin = await makeUser(ts.services, { admin: true });
      const plain = await makeUser(ts.services);
      try {
        await ts.tdb.handle.db.transaction().execute((trx) =>
          queueMail(trx, ts.services.deps, {
            to: 'gone@example.org',
            kind: 'test.dead',
            subject: 'to a gone mailbox',
            text: 'x',
            dedupeKey: 'dead:1',
          }),
        );
        const r = await worker.runOnce();
        assert.deepEqual(r, { sent: 0, retried: 0, failed: 1 });
        const o = await ts.services.outbox.overview(admin.actor);
        const dead = o.deadLetters.find((d) => d.subject === 'to a gone mailbox');
        assert.ok(dead, 'listed as a dead letter');
        assert.match(dead.lastError!, /SMTP 550/);
        await assert.rejects(ts.services.outbox.overview(plain.actor), ForbiddenError);
        await assert.rejects(ts.services.outbox.retry(plain.actor, dead.id), ForbiddenError);
        refuse = false;
        await ts.services.outbox.retry(admin.actor, dead.id);
        assert.deepEqual(await worker.runOnce(), { sent: 1, retried: 0, failed: 0 });
        assert.deepEqual(received, ['gone@example.org']);
      } finally {
        await worker.stop();
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    test('without an SMTP server configured, mail stays queued and the overview says so', async () => {
      const worker = new OutboxWorker({ db: ts.tdb.handle.db, dialect, senders: {} });
      await queue(3, 'unsent');
      assert.deepEqual(await worker.runOnce(), { sent: 0, retried: 0, failed: 0 });
      const admin = await makeUser(ts.services, { admin: true });
      const o = await ts.services.outbox.overview(admin.actor);
      assert.equal(o.mailConfigured, false);
      assert.ok(o.pendingMail >= 3);
    });
  });
}
