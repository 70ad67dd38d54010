// The core loop in a real browser with JavaScript disabled: an anonymous reporter files a report,
// a responder signs in, acknowledges, triages as High, replies and writes an internal note; the
// reporter's page shows the reply and the state, never the note.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServer } from '../helpers/browser.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';

const enabled = !!process.env.PARLEY_CHROMIUM;
const shots = process.env.PARLEY_SCREENSHOTS; // set to a folder to keep screenshots for a look

for (const dialect of dialects()) {
  describe(
    `e2e core loop (${dialect})`,
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

      test('report without JS, triage, reply, internal note stays internal', async () => {
        const project = await makeProject(server.services, {
          name: 'Conure',
          key: 'CONURE',
          slug: `conure-${dialect}`,
        });
        const responder = await makeMember(server.services, project.slug, 'responder');
        const snap = async (page: Page, name: string) => {
          if (!shots) return;
          fs.mkdirSync(shots, { recursive: true });
          await page.screenshot({ path: path.join(shots, `${dialect}-${name}.png`), fullPage: true });
        };

        // Reporter: anonymous, scripts off.
        const reporterCtx = await browser.newContext({ javaScriptEnabled: false });
        const rp = await reporterCtx.newPage();
        await rp.goto(`${server.baseUrl}/`);
        await rp.getByRole('link', { name: 'Report a vulnerability' }).first().click();
        assert.match(rp.url(), new RegExp(`/p/${project.slug}/report$`));
        // First a submission with a missing field: the form comes back with the error and the text kept.
        await rp.getByLabel('Title').fill('Token leak in debug endpoint');
        await rp
          .getByLabel('Description')
          .fill('The /debug/vars endpoint prints the admin API token in clear text.');
        await rp.getByRole('button', { name: 'Submit report privately' }).click();
        await rp.getByText('Steps to reproduce is required.').first().waitFor({ timeout: 5000 });
        assert.equal(
          await rp.getByLabel('Description').inputValue(),
          'The /debug/vars endpoint prints the admin API token in clear text.',
        );
        await rp.getByText('Steps to reproduce is required.').first().waitFor({ timeout: 5000 });
        await snap(rp, '1-form-errors');
        await rp.getByLabel('Steps to reproduce').fill('curl http://host:9000/debug/vars | grep token');
        await rp
          .getByLabel('Impact', { exact: true })
          .fill('Full admin access for anyone who can reach the port.');
        await rp.getByLabel('Affected versions').fill('2.0.0 – 2.3.1');
        await rp.getByLabel('By handle').check();
        await rp.getByLabel('Name or handle to credit').fill('@nightjar');
        await rp.getByRole('button', { name: 'Submit report privately' }).click();
        await rp.waitForURL(/\/c\/rct_/);
        assert.match(rp.url(), /\/c\/rct_[A-Za-z0-9_-]{43}$/);
        const caseUrl = rp.url();
        await rp.getByText('Your report was received.').waitFor({ timeout: 5000 });
        await rp.getByText('CONURE-1').first().waitFor({ timeout: 5000 });
        await snap(rp, '2-reporter-case');

        // Responder: signs in (scripts off as well: the team UI needs none either).
        const teamCtx = await browser.newContext({ javaScriptEnabled: false });
        const tp = await teamCtx.newPage();
        await tp.goto(`${server.baseUrl}/inbox`);
        assert.match(tp.url(), /\/login\?next=%2Finbox$/);
        await tp.getByLabel('E-mail').fill(responder.email);
        await tp.getByLabel('Password').fill(PASSWORD);
        await tp.getByRole('button', { name: 'Sign in' }).click();
        await tp.waitForURL(/\/inbox$/);
        await snap(tp, '3-inbox');
        await tp.getByRole('link', { name: 'Token leak in debug endpoint' }).click();
        await tp.waitForURL(/\/cases\/CONURE-1$/);
        await tp.getByRole('button', { name: 'Acknowledge' }).click();
        await tp.locator('.badge.state-acknowledged').first().waitFor({ timeout: 5000 });
        await tp.getByLabel('Triage as').selectOption('high');
        await tp.getByRole('button', { name: 'Triage' }).click();
        await tp.locator('.badge.state-triaged').first().waitFor({ timeout: 5000 });
        await tp.locator('.badge.sev-high').first().waitFor({ timeout: 5000 });
        await tp.getByLabel('Reply to the reporter').fill('Thanks! Confirmed; a fix is planned for 2.3.2.');
        await tp.getByRole('button', { name: 'Send reply' }).click();
        await tp.getByLabel('Internal note').fill('SECRET-NOTE: the token is also in the crash dumps.');
        await tp.getByRole('button', { name: 'Add internal note' }).click();
        await tp.getByText('SECRET-NOTE: the token is also in the crash dumps.').waitFor({ timeout: 5000 });
        await snap(tp, '4-team-case');

        // Reporter again: sees the reply and the state, never the note.
        await rp.goto(caseUrl);
        const html = await rp.content();
        await rp.getByText('Thanks! Confirmed; a fix is planned for 2.3.2.').waitFor({ timeout: 5000 });
        await rp.locator('.badge.state-triaged').first().waitFor({ timeout: 5000 });
        await rp.locator('.badge.sev-high').first().waitFor({ timeout: 5000 });
        assert.ok(!html.includes('SECRET-NOTE'), 'internal note leaked to the reporter page');
        assert.ok(!html.includes(responder.user.name), 'team member name leaked to the reporter page');
        await snap(rp, '5-reporter-after');
        await reporterCtx.close();
        await teamCtx.close();
      });
    },
  );
}
