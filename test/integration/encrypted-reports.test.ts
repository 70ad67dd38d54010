// Encrypted intake on both dialects: a report encrypted to the project key, through the API and the
// form, fills the case fields from its sections (clear fields only fill gaps); messages that do not
// decrypt are 422 with the form kept; the reporter's public key is checked and stored.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { apiWorld, assertFieldErrors, rowCounts, type ApiWorld } from '../helpers/api.ts';
import { makeProject, makeUser } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { encryptText } from '../../src/integrations/pgp/pgp-crypto.ts';
import { generateKeyPair, type KeyPair } from '../../src/integrations/pgp/pgp-keys.ts';
import { findCaseById } from '../../src/storage/repositories/case.repository.ts';

const REPORT = [
  'Title: Heap overflow in the tar reader',
  '',
  'Description:',
  'A crafted header with a negative size makes the reader copy past its buffer.',
  '',
  '## Steps to reproduce',
  '1. Build tar with size -1',
  '2. Call extract()',
  '',
  'Impact: remote code execution as the service user',
  'Affected versions: 1.0.0 to 1.4.2',
].join('\n');

for (const dialect of dialects()) {
  describe(`encrypted reports (${dialect})`, () => {
    let world: ApiWorld;
    let slug: string;
    let publicKey: string;
    let reporter: KeyPair;
    before(async () => {
      world = await apiWorld(dialect);
      slug = world.w.project.slug;
      publicKey = (await world.t.services.projectKeys.generate(world.w.maintainer.actor, slug)).publicKey;
      reporter = await generateKeyPair({ name: 'Finder', email: 'finder@example.org', passphrase: 'x' });
    });
    after(() => world.t.close());

    const caseRow = async (id: string) => (await findCaseById(world.t.tdb.handle.db, id))!;

    test('API: the decrypted sections become the case fields; the reporter key is stored', async () => {
      const encryptedReport = await encryptText(REPORT, [publicKey]);
      const res = await world.call('POST', `/api/v1/projects/${slug}/reports`, {
        body: {
          encryptedReport,
          // Typed in clear: the encrypted title wins, the suggested fix (absent there) is used.
          title: 'Something in tar',
          suggestedFix: 'Reject negative sizes.',
          reporterEmail: 'finder@example.org',
          reporterPgpKey: reporter.publicKey,
        },
      });
      assert.equal(res.status, 201, res.body);
      const row = await caseRow(res.json.id);
      assert.equal(row.title, 'Heap overflow in the tar reader');
      assert.equal(
        row.description,
        'A crafted header with a negative size makes the reader copy past its buffer.',
      );
      assert.equal(row.steps_to_reproduce, '1. Build tar with size -1\n2. Call extract()');
      assert.equal(row.impact, 'remote code execution as the service user');
      assert.equal(row.affected_versions, '1.0.0 to 1.4.2');
      assert.equal(row.suggested_fix, 'Reject negative sizes.');
      assert.match(row.reporter_pgp_key!, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      assert.doesNotMatch(row.reporter_pgp_key!, /PRIVATE/);
      const events = await world.t.tdb.handle.db
        .selectFrom('case_events')
        .select('data')
        .where('case_id', '=', row.id)
        .execute();
      assert.equal(JSON.parse(events[0]!.data).encrypted, true);
    });

    test('API: without a title anywhere it is "Encrypted report"; missing sections are named', async () => {
      const body = REPORT.replace(/^Title: .*\n/, '');
      const ok = await world.call('POST', `/api/v1/projects/${slug}/reports`, {
        body: { encryptedReport: await encryptText(body, [publicKey]) },
      });
      assert.equal(ok.status, 201, ok.body);
      assert.equal((await caseRow(ok.json.id)).title, 'Encrypted report');

      const before = await rowCounts(world.t.tdb.handle.db);
      const thin = await world.call('POST', `/api/v1/projects/${slug}/reports`, {
        body: {
          encryptedReport: await encryptText('Just a long description of the problem here.', [publicKey]),
        },
      });
      const p = assertFieldErrors(thin, ['stepsToReproduce', 'impact', 'affectedVersions']);
      assert.match(p.errors[0].message, /not in the encrypted report either/);
      assert.deepEqual(await rowCounts(world.t.tdb.handle.db), before, 'nothing stored');
    });

    test('API: messages that do not decrypt and bad reporter keys are 422 on their fields', async () => {
      const other = await generateKeyPair({ name: 'Other', email: 'o@example.org', passphrase: 'x' });
      const wrongKey = await world.call('POST', `/api/v1/projects/${slug}/reports`, {
        body: { encryptedReport: await encryptText(REPORT, [other.publicKey]) },
      });
      const p = assertFieldErrors(wrongKey, ['encryptedReport']);
      assert.match(p.errors[0].message, /not encrypted to the project's key/);
      assertFieldErrors(
        await world.call('POST', `/api/v1/projects/${slug}/reports`, { body: { encryptedReport: 'hello' } }),
        ['encryptedReport'],
      );
      // A project without a key takes no encrypted reports.
      assertFieldErrors(
        await world.call('POST', `/api/v1/projects/${world.w.other.slug}/reports`, {
          body: { encryptedReport: await encryptText(REPORT, [publicKey]) },
        }),
        ['encryptedReport'],
      );
      const badKey = await world.call('POST', `/api/v1/projects/${slug}/reports`, {
        body: {
          encryptedReport: await encryptText(REPORT, [publicKey]),
          reporterPgpKey: reporter.privateKey,
        },
      });
      assert.match(assertFieldErrors(badKey, ['reporterPgpKey']).errors[0].message, /private key/);
    });

    test('form: the field shows with the fingerprint only when the project has a key; errors keep the text', async () => {
      const c = new PageClient(world.t.app);
      const page = await c.get(`/p/${slug}/report`);
      const info = (await world.t.services.projectKeys.keyInfo(slug))!;
      assert.match(page.body, /name="encryptedReport"/);
      assert.match(page.body, new RegExp(info.fingerprint.slice(0, 4) + ' ' + info.fingerprint.slice(4, 8)));
      assert.match(page.body, new RegExp(`href="/p/${slug}/pgp-key.asc"`));
      assert.match(page.body, /name="reporterPgpKey"/);
      const plain = await makeProject(world.t.services);
      const noKey = await c.get(`/p/${plain.slug}/report`);
      assert.doesNotMatch(noKey.body, /name="encryptedReport"/);

      const bad = await c.post(
        `/p/${slug}/report`,
        {
          encryptedReport: '-----BEGIN PGP MESSAGE-----\n\nbroken\n-----END PGP MESSAGE-----',
          impact: 'kept impact text',
        },
        { csrfFrom: `/p/${slug}/report` },
      );
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /cannot be read/);
      assert.match(bad.body, /broken/, 'the pasted message is kept');
      assert.match(bad.body, /kept impact text/);

      const good = await c.post(
        `/p/${slug}/report`,
        { encryptedReport: await encryptText(REPORT, [publicKey]), creditPreference: 'anonymous' },
        { csrfFrom: `/p/${slug}/report` },
      );
      assert.equal(good.statusCode, 303, good.body.slice(0, 2000));
      const view = await c.get(String(good.headers.location));
      assert.match(view.body, /Heap overflow in the tar reader/);
      // The team sees it like any other report.
      const admin = await makeUser(world.t.services, { admin: true });
      const list = await world.t.services.cases.list(admin.actor, { project: slug });
      assert.ok(list.items.some((i) => i.title === 'Heap overflow in the tar reader'));
    });
  });
}
