// Announcement lists, publishing side, on both dialects: the first publication of an advisory (now or
// by the publish job) queues exactly one mail per confirmed address across the project's, its
// umbrella's and the instance-wide list, with the list headers and a per-subscriber footer; pending
// and unsubscribed addresses get nothing; repeats and revisions queue nothing; 10,000 subscribers are
// queued in batches (timed); the team previews the mail, strangers cannot.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { manualClock } from '../helpers/services.ts';
import { makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';
import { advisoryContent } from '../helpers/advisories.ts';
import { PageClient } from '../helpers/page-client.ts';
import {
  announcementsOf,
  headersOf,
  projectId,
  subscribeConfirmed,
  unsubscribePath,
} from '../helpers/announcements.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { cryptoRandom } from '../../src/services/deps.ts';
import { ANONYMOUS } from '../../src/services/actor.ts';
import { NotFoundError } from '../../src/domain/errors.ts';
import { unsubscribeUrl } from '../../src/services/announcements/list-links.ts';
import * as advisories from '../../src/storage/repositories/advisory.repository.ts';
import * as projects from '../../src/storage/repositories/project.repository.ts';

for (const dialect of dialects()) {
  describe(`announcement lists: publishing (${dialect})`, () => {
    let t: TestApp;
    let s: Services;
    let umbrella = '';
    let component = '';
    let other = '';
    const ids: Record<string, string> = {};
    let maintainer: Awaited<ReturnType<typeof makeMember>>;
    let responder: Awaited<ReturnType<typeof makeMember>>;
    let stranger: Awaited<ReturnType<typeof makeMember>>;

    before(async () => {
      t = await createTestApp(dialect);
      s = t.services;
      umbrella = (await makeProject(s, { name: 'Conure' })).slug;
      component = (
        await s.projects.create('system', { slug: `${umbrella}-cli`, name: 'Conure CLI', parent: umbrella })
      ).slug;
      other = (await makeProject(s, { name: 'Magpie' })).slug;
      for (const slug of [umbrella, component, other]) ids[slug] = await projectId(s.deps.db, slug);
      maintainer = await makeMember(s, component, 'maintainer');
      responder = await makeMember(s, component, 'responder');
      stranger = await makeMember(s, other, 'maintainer');

      // a: on all three lists; b: umbrella; c: instance-wide; d: another project only;
      // p: pending on the component's list; u: unsubscribed from it.
      for (const list of [component, umbrella, '*']) await subscribeConfirmed(s, list, 'a@example.org');
      await subscribeConfirmed(s, umbrella, 'b@example.org');
      await subscribeConfirmed(s, '*', 'c@example.org');
      await subscribeConfirmed(s, other, 'd@example.org');
      await s.announcements.subscribe(component, 'p@example.org');
      await subscribeConfirmed(s, component, 'u@example.org');
      const u = await s.deps.db
        .selectFrom('subscribers')
        .select('id')
        .where('email', '=', 'u@example.org')
        .executeTakeFirstOrThrow();
      const link = new URL(unsubscribeUrl(s.deps, u.id));
      const res = await t.app.inject({
        method: 'POST',
        url: link.pathname + link.search,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(res.statusCode, 200);
    });
    after(() => t.close());

    const tokenFor = (id: string) => new URL(unsubscribeUrl(s.deps, id)).searchParams.get('t')!;

    const draft = (slug: string, overrides: Record<string, unknown> = {}) =>
      s.advisories.create(maintainer.actor, slug, { content: advisoryContent(overrides) });

    test('publishing queues one signed-or-not mail per confirmed address, with list headers', async () => {
      const d = await draft(component, { title: 'Path traversal in conure-cli' });
      const view = await s.publishing.publish(maintainer.actor, d.uid);
      const rows = await announcementsOf(s.deps.db, d.uid);
      assert.deepEqual(
        rows.map((r) => r.recipient_address),
        ['a@example.org', 'b@example.org', 'c@example.org'],
        'once per address; not pending, unsubscribed or other projects’ subscribers',
      );
      const byList = await s.deps.db
        .selectFrom('subscribers')
        .select(['id', 'list_key', 'email'])
        .where('email', 'in', ['a@example.org', 'b@example.org', 'c@example.org'])
        .execute();
      const idOf = (email: string, list: string) =>
        byList.find((x) => x.email === email && x.list_key === list)!.id;
      // Each mail names the most specific list the address is on.
      assert.equal(rows[0]!.source_id, idOf('a@example.org', ids[component]!));
      assert.equal(rows[1]!.source_id, idOf('b@example.org', ids[umbrella]!));
      assert.equal(rows[2]!.source_id, idOf('c@example.org', '*'));

      const year = new Date().getUTCFullYear();
      for (const row of rows) {
        assert.equal(row.kind, 'announcement');
        assert.equal(row.project_id, ids[component]);
        assert.equal(row.subject, `[${view.id}] Path traversal in conure-cli (High)`);
        assert.match(view.id!, new RegExp(`^PARLEY-${year}-\\d{4}$`));
        const h = headersOf(row);
        assert.equal(h['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
        assert.equal(h.Precedence, 'list');
        assert.equal(
          h['List-Unsubscribe'],
          `<http://localhost:8080/unsubscribe?s=${row.source_id}&t=${tokenFor(row.source_id!)}>`,
        );
        assert.ok(
          row.body.includes(
            `Unsubscribe with one click: http://localhost:8080/unsubscribe?s=${row.source_id}&`,
          ),
        );
        assert.ok(row.body.includes(`You receive this because ${row.recipient_address} is subscribed`));
      }
      assert.equal(
        headersOf(rows[0]!)['List-Id'],
        `Conure CLI security announcements <${component}.announce.localhost>`,
      );
      assert.equal(
        headersOf(rows[1]!)['List-Id'],
        `Conure security announcements <${umbrella}.announce.localhost>`,
      );
      assert.match(headersOf(rows[2]!)['List-Id']!, /\(all projects\) <all\.announce\.localhost>$/);

      // The text: what a reader needs to act, then the footer.
      const body = rows[0]!.body;
      for (const want of [
        `Conure CLI security advisory ${view.id}`,
        'Severity:  High',
        'CVSS:      8.1 High (CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N)',
        `CVE:       ${view.content.cveIds[0]}`,
        `* npm ${view.content.affected[0]!.name}`,
        'fixed in: 1.4.2',
        'Extract untrusted archives in a throwaway container.',
        `npm install ${view.content.affected[0]!.name}@1.4.2`,
        `http://localhost:8080/advisories/${view.id}/osv.json`,
        'Ada Researcher (finder)',
      ]) {
        assert.ok(body.includes(want), `body has ${want}`);
      }
      const signed = body.includes('-----BEGIN PGP SIGNED MESSAGE-----');
      // Unsigned (no project key) or signed: the footer always follows the text.
      assert.ok(body.indexOf('-- \nYou receive this') > body.indexOf(`OSV:`));
      if (signed) assert.ok(body.indexOf('-----END PGP SIGNATURE-----') < body.indexOf('-- \nYou receive'));

      // The one-click link in the headers works without cookies.
      const res = await t.app.inject({
        method: 'POST',
        url: unsubscribePath(rows[2]!),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(res.statusCode, 200);
    });

    test('publishing again, the job running twice, or a revision queues nothing new', async () => {
      const d = await draft(component);
      const view = await s.publishing.publish(maintainer.actor, d.uid);
      const before = (await announcementsOf(s.deps.db, d.uid)).length;
      assert.equal(before, 2, 'c unsubscribed in the previous test');
      await assert.rejects(s.publishing.publish(maintainer.actor, d.uid), /already published/);
      // A second run of the announcement (a retried job) writes nothing.
      const row = (await advisories.findAdvisoryByUid(s.deps.db, d.uid))!;
      const project = (await projects.findProjectById(s.deps.db, row.project_id))!;
      const again = await s.announcements.announce(s.deps.db, {
        uid: d.uid,
        id: view.id!,
        project,
        content: view.content,
        publishedAt: view.publishedAt!,
      });
      assert.deepEqual(again, { recipients: 2, queued: 0, signed: again.signed });
      // A revision of the published advisory is not announced.
      await subscribeConfirmed(s, component, 'late@example.org');
      await s.advisories.update(maintainer.actor, d.uid, {
        content: { ...view.content, summary: 'Corrected summary.' },
        baseRevision: view.revision,
      });
      assert.equal((await announcementsOf(s.deps.db, d.uid)).length, before);
    });

    test('the publish job announces a scheduled advisory once, however often it runs', async () => {
      const clock = manualClock(new Date().toISOString());
      const s2 = createServices({ ...s.deps, clock });
      const d = await draft(component);
      const at = new Date(clock.peek().getTime() + 3600_000).toISOString().slice(0, 16);
      await s2.publishing.schedule(maintainer.actor, d.uid, { at, zone: 'UTC' });
      assert.deepEqual(await s2.publishing.publishDue(), []);
      assert.equal((await announcementsOf(s.deps.db, d.uid)).length, 0, 'nothing before the embargo ends');
      clock.advance(2 * 3600_000);
      const [published] = await s2.publishing.publishDue();
      assert.ok(published);
      assert.deepEqual(await s2.publishing.publishDue(), []);
      const rows = await announcementsOf(s.deps.db, d.uid);
      assert.deepEqual(
        rows.map((r) => r.recipient_address),
        ['a@example.org', 'b@example.org', 'late@example.org'],
      );
      assert.ok(rows.every((r) => r.subject.startsWith(`[${published}] `)));
    });

    test('10,000 subscribers are queued in batches', async () => {
      const slug = (await makeProject(s, { name: 'Bulk' })).slug;
      const pid = await projectId(s.deps.db, slug);
      const bulkMaintainer = await makeMember(s, slug, 'maintainer');
      const now = new Date().toISOString();
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        id: cryptoRandom.uuid(),
        list_key: pid,
        email: `bulk-${i}@example.net`,
        status: 'confirmed' as const,
        confirm_token_hash: null,
        created_at: now,
        confirmed_at: now,
        unsubscribed_at: null,
      }));
      for (let i = 0; i < rows.length; i += 1000) {
        await s.deps.db
          .insertInto('subscribers')
          .values(rows.slice(i, i + 1000))
          .execute();
      }
      const d = await s.advisories.create(bulkMaintainer.actor, slug, { content: advisoryContent() });
      const started = performance.now();
      await s.publishing.publish(bulkMaintainer.actor, d.uid);
      const ms = performance.now() - started;
      const queued = await announcementsOf(s.deps.db, d.uid);
      // The project's 10,000, and a@example.org from the instance-wide list (c unsubscribed earlier).
      assert.equal(queued.length, 10_001);
      assert.equal(new Set(queued.map((r) => r.recipient_address)).size, 10_001);
      assert.ok(queued.some((r) => r.recipient_address === 'a@example.org'));
      console.log(
        `${dialect}: publishing to 10,000 subscribers took ${ms.toFixed(0)} ms (one query, 20 inserts)`,
      );
    });

    test('preview: the team sees the exact mail and its audience; strangers and anonymous do not', async () => {
      const d = await draft(component, { title: 'Previewed issue' });
      for (const who of [maintainer, responder]) {
        const p = await s.announcements.preview(who.actor, d.uid);
        assert.equal(p.placeholderId, true);
        assert.equal(p.published, false);
        assert.match(p.subject, /^\[PARLEY-\d{4}-DRAFT\] Previewed issue \(High\)$/);
        assert.ok(p.text.includes('Previewed issue'));
        assert.equal(p.recipients, 3, 'a, b and late (c unsubscribed, p pending, u unsubscribed)');
        assert.equal(p.announced, 0);
        assert.equal(p.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
        assert.deepEqual(
          p.lists.map((l) => l.slug),
          [component, umbrella, null],
        );
      }
      await assert.rejects(s.announcements.preview(stranger.actor, d.uid), NotFoundError);
      await assert.rejects(s.announcements.preview(ANONYMOUS, d.uid), NotFoundError);

      const browser = new PageClient(t.app);
      await browser.login(responder.email, PASSWORD);
      const editor = await browser.get(`/team/advisories/${d.uid}`);
      assert.match(editor.body, new RegExp(`href="/team/advisories/${d.uid}/announcement"`));
      const page = await browser.get(`/team/advisories/${d.uid}/announcement`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /\[PARLEY-\d{4}-DRAFT\] Previewed issue \(High\)/);
      assert.match(page.body, /<strong>3<\/strong> confirmed address/);
      assert.match(page.body, /List-Unsubscribe-Post/);
      const outsider = new PageClient(t.app);
      await outsider.login(stranger.email, PASSWORD);
      assert.equal((await outsider.get(`/team/advisories/${d.uid}/announcement`)).statusCode, 404);

      const published = await s.publishing.publish(maintainer.actor, d.uid);
      const after = await s.announcements.preview(responder.actor, d.uid);
      assert.equal(after.id, published.id);
      assert.equal(after.published, true);
      assert.equal(after.announced, 3);
      const shown = await browser.get(`/team/advisories/${d.uid}/announcement`);
      assert.match(shown.body, /Announced at publication: 3 mails queued/);
      assert.match(shown.body, /Not signed: this project has no OpenPGP key/);
    });

    test('with a project key the text is signed once, inside the transaction, and verifies (openpgp, gpg)', async () => {
      await s.projectKeys.generate(maintainer.actor, component);
      const publicKey = (await s.projectKeys.publicKey(ids[component]!))!;
      const d = await draft(component, { title: 'Signed issue' });
      const preview = await s.announcements.preview(maintainer.actor, d.uid);
      assert.equal(preview.signed, true);
      assert.match(
        preview.text,
        /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA\d+\n\nConure CLI security advisory/,
      );
      const view = await s.publishing.publish(maintainer.actor, d.uid);
      const rows = await announcementsOf(s.deps.db, d.uid);
      assert.equal(rows.length, 3);
      const END = '-----END PGP SIGNATURE-----\n';
      const blocks = new Set(rows.map((r) => r.body.slice(0, r.body.indexOf(END) + END.length)));
      assert.equal(blocks.size, 1, 'one signature shared by every subscriber');
      const block = [...blocks][0]!;
      for (const r of rows) {
        assert.ok(r.body.startsWith('-----BEGIN PGP SIGNED MESSAGE-----'));
        assert.ok(
          r.body.slice(block.length).startsWith('\n-- \nYou receive this because'),
          'footer after the block',
        );
      }

      const message = await openpgp.readCleartextMessage({ cleartextMessage: block });
      const verified = await openpgp.verify({
        message,
        verificationKeys: await openpgp.readKey({ armoredKey: publicKey }),
        expectSigned: true,
      });
      assert.ok(String(verified.data).startsWith(`Conure CLI security advisory ${view.id}\n`));
      assert.ok(String(verified.data).includes(`Title:     Signed issue`));

      // The same with GnuPG, as a subscriber would check it; a changed line no longer verifies.
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-gpg-'));
      try {
        execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--import'], {
          input: publicKey,
          stdio: 'pipe',
        });
        const gpg = (input: string) =>
          spawnSync('gpg', ['--homedir', home, '--batch', '--status-fd', '1', '--verify'], {
            input,
            encoding: 'utf8',
          });
        const good = gpg(block);
        assert.equal(good.status, 0, good.stderr);
        assert.match(good.stdout, /\[GNUPG:\] GOODSIG /);
        const bad = gpg(block.replace('Severity:  High', 'Severity:  Low'));
        assert.notEqual(bad.status, 0);
        assert.match(bad.stdout, /\[GNUPG:\] BADSIG /);
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  });
}
