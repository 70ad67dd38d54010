// Coordination in a real browser: a vendor's contact signs in (its reader in Tokyo), sees the embargo
// in the zone it was set in, in UTC and — through the page's script — in its own local time, sets
// its status with JavaScript off, and never sees the report's text.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium, startServer } from '../helpers/browser.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, makeUser, makeCase, PASSWORD } from '../helpers/factories.ts';

const enabled = !!process.env.PARLEY_CHROMIUM;

for (const dialect of dialects()) {
  describe(
    `e2e coordination (${dialect})`,
    { skip: enabled ? false : 'Chromium not installed (see test/run.js)' },
    () => {
      let browser: Browser;
      let server: Awaited<ReturnType<typeof startServer>>;
      before(async () => {
        server = await startServer(dialect);
        browser = await launchChromium();
      });
      after(async () => {
        await browser?.close();
        await server?.close();
      });

      test('a party reads the embargo in three ways and answers; the report stays hidden', async () => {
        const s = server.services;
        const project = await makeProject(s, { slug: `flux-${dialect}` });
        const m = await makeMember(s, project.slug, 'maintainer');
        const vendor = await makeUser(s, { email: `psirt-${dialect}@distro.example` });
        const c = await makeCase(s, project.slug);
        await s.embargo.set(m.actor, { id: c.id }, { at: '2026-12-15T09:00', zone: 'Europe/Berlin' });
        const party = await s.parties.add(
          m.actor,
          { id: c.id },
          { organisation: 'Distro', contacts: vendor.email },
        );

        for (const javaScriptEnabled of [true, false]) {
          const ctx = await browser.newContext({
            timezoneId: 'Asia/Tokyo',
            javaScriptEnabled,
            locale: 'en-US',
          });
          const page = await ctx.newPage();
          const errors: string[] = [];
          page.on('pageerror', (e) => errors.push(e.message));
          await page.goto(`${server.baseUrl}/login`);
          await page.fill('input[name=email]', vendor.email);
          await page.fill('input[name=password]', PASSWORD);
          await page.click('form[action="/login"] button[type=submit]');
          await page.goto(`${server.baseUrl}/cases/${c.key}`);
          const notice = await page.locator('p.embargo').first().innerText();
          assert.match(notice, /2026-12-15 09:00 Europe\/Berlin/);
          assert.match(notice, /UTC\+01:00; 2026-12-15 08:00 UTC/);
          if (javaScriptEnabled) assert.match(notice, /your time: Dec 15, 2026, 05:00 PM GMT\+9/);
          else assert.doesNotMatch(notice, /your time/);
          assert.deepEqual(errors, []);
          const body = await page.locator('body').innerText();
          assert.ok(!body.includes('crafted tarball') && !body.includes('researcher@example.org'));
          if (!javaScriptEnabled) {
            await page.check('input[name=status][value=affected]');
            await page.fill('textarea[name=statement]', 'Fixed in 1.4.3-1');
            await page.click('#status button[type=submit]');
            await page.waitForURL(/\/cases\//);
          }
          await ctx.close();
        }
        const [p] = await s.parties.list(m.actor, { id: c.id });
        assert.equal(p!.id, party.id);
        assert.equal(p!.status, 'affected');
        assert.equal(p!.statement, 'Fixed in 1.4.3-1');
        assert.ok(p!.viewedAt);
      });
    },
  );
}
