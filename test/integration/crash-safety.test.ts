// Crash safety (issue 7): the real server, SIGKILLed at seeded random moments while clients submit
// reports by API, form and mail at full speed, restarted each time. Every acknowledged report must be
// present and intact, no case half-written, every acknowledged mail a case exactly once (re-sent
// Message-IDs included), and every notification at the SMTP sink — duplicates only under the same
// Message-ID and bounded by the deliveries in flight at the kills. The seed is printed;
// PARLEY_CRASH_SEED=<n> replays its kill schedule and inputs (thread timing differs, of course).
// bench/crash.ts runs the long version.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { runCrashScenario } from '../helpers/crash-scenario.ts';

const seed = Number(process.env.PARLEY_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

for (const dialect of dialects().filter(
  (d) => !process.env.PARLEY_CRASH_DIALECT || d === process.env.PARLEY_CRASH_DIALECT,
)) {
  describe(`crash safety (${dialect})`, () => {
    test(
      `SIGKILL under load loses nothing and half-writes nothing (seed ${seed})`,
      { timeout: 180_000 },
      async () => {
        console.log(
          `crash-safety ${dialect}: seed ${seed} (PARLEY_CRASH_SEED=${seed} replays its kill schedule)`,
        );
        const r = await runCrashScenario({
          dialect,
          seed,
          kills: 3,
          upMs: [500, 2000],
          apiClients: 4,
          formClients: 2,
          mailClients: 2,
          drainTimeoutMs: 40_000,
          log: (l) => console.log(`  ${l}`),
        });
        const { problems, ...figures } = r;
        console.log(`  ${JSON.stringify(figures)}`);
        assert.deepEqual(problems, [], `seed ${seed}`);
        // The run must have exercised what it claims to prove.
        assert.ok(r.acknowledged >= 20, `only ${r.acknowledged} reports acknowledged`);
        assert.ok(r.load.failed + r.load.refused > 0, 'some requests died with the server');
        assert.ok(r.mailsAcked >= 2, `only ${r.mailsAcked} mails acknowledged`);
        assert.equal(r.lost, 0);
        assert.equal(r.halfWritten, 0);
        assert.equal(r.mailDuplicates, 0, 'a re-sent Message-ID opened a second case');
        assert.equal(r.mailsAcked, r.mailsSent, 'every mail was eventually answered 250');
        assert.equal(r.mailCases, r.mailsSent, 'one case per mail');
        assert.equal(r.outboxUnsent, 0);
        assert.equal(r.outboxLost, 0);
        assert.equal(r.strangers, 0, 'a re-send carried a new Message-ID');
        assert.ok(r.outboxRows >= r.cases, 'every case has its mail');
        // Only a delivery in flight at a kill can be sent twice (250 received, row not yet marked).
        assert.ok(
          r.outboxDuplicates <= r.inFlightAtKills,
          `${r.outboxDuplicates} duplicates, ${r.inFlightAtKills} deliveries in flight at the kills`,
        );
        assert.equal(
          Object.keys(r.load.statuses).filter((s) => Number(s) >= 500).length,
          0,
          `5xx answers: ${JSON.stringify(r.load.statuses)}`,
        );
        assert.equal(r.sunk, r.outboxRows + r.outboxDuplicates);
      },
    );
  });
}
