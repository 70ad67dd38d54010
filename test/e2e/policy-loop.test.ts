// The policy in a real browser with JavaScript disabled: a reporter reads the scope guidance, picks an
// out-of-scope category, is told why and where to go, submits anyway and sees the team's commitments;
// the maintainer edits the policy (check, diff, save), sees the case's clocks and the metrics charts.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium, startServer } from '../helpers/browser.ts';
import { makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';

const enabled = !!process.env.PARLEY_CHROMIUM;

describe(
  'e2e policy loop (sqlite)',
  { skip: enabled ? false : 'Chromium not installed (see test/run.js)' },
  () => {
    let browser: Browser;
    let server: Awaited<ReturnType<typeof startServer>>;
    before(async () => {
      server = await startServer('sqlite');
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test('scope guidance, out-of-scope confirmation, policy editor, clocks and charts', async () => {
      const project = await makeProject(server.services, { name: 'Metal', key: 'METAL', slug: 'metal' });
      const maintainer = await makeMember(server.services, project.slug, 'maintainer');
      await server.services.policies.save(maintainer.actor, project.slug, {
        source: fs.readFileSync('examples/policies/metal-provisioning.yaml', 'utf8'),
      });

      const rp = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await rp.goto(`${server.baseUrl}/p/metal/report`);
      await rp.getByText('Before you report').waitFor({ timeout: 5000 });
      await rp.getByText('Missing safe defaults', { exact: false }).first().waitFor();
      await rp.getByLabel('Title').fill('Ironic API accepts default credentials');
      await rp
        .getByLabel('Description')
        .fill('The deployment ships without forcing a password change on first use.');
      await rp.getByLabel('Steps to reproduce').fill('Install, then log in with the documented defaults.');
      await rp
        .getByLabel('Impact', { exact: true })
        .fill('Anyone on the provisioning network controls hosts.');
      await rp.getByLabel('Affected versions').fill('0.8.1');
      await rp.getByRole('radio', { name: /missing safe defaults/i }).check();
      await rp.getByRole('button', { name: 'Submit report privately' }).click();
      await rp.getByText('This may be out of scope').waitFor({ timeout: 5000 });
      assert.equal(await rp.getByLabel('Affected versions').inputValue(), '0.8.1', 'the report is kept');
      await rp.getByRole('button', { name: 'Submit anyway' }).click();
      await rp.waitForURL(/\/c\/rct_/);
      await rp.getByText('What the team committed to').waitFor({ timeout: 5000 });
      await rp.getByText('Europe/Berlin', { exact: false }).first().waitFor();

      const tp = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await tp.goto(`${server.baseUrl}/login`);
      await tp.getByLabel('E-mail').fill(maintainer.email);
      await tp.getByLabel('Password').fill(PASSWORD);
      await tp.getByRole('button', { name: 'Sign in' }).click();
      await tp.waitForURL(/\/inbox/);
      await tp.getByText('Next deadline').waitFor({ timeout: 5000 });
      await tp.getByRole('link', { name: 'METAL-1' }).first().click();
      await tp.getByText('Reporter marked this as out of scope').waitFor({ timeout: 5000 });
      await tp.getByText('Unsupported version.').waitFor();
      await tp.getByText('Times in Europe/Berlin', { exact: false }).waitFor();

      await tp.goto(`${server.baseUrl}/p/metal/settings/policy`);
      const source = await tp.getByLabel('Policy file').inputValue();
      await tp.getByLabel('Policy file').fill(source.replace('acknowledge: 48h', 'acknowledge: 24h'));
      await tp.getByRole('button', { name: 'Check and show changes' }).click();
      await tp.getByText('The policy is valid').waitFor({ timeout: 5000 });
      await tp.locator('.diff-added', { hasText: 'acknowledge: 24h' }).waitFor();
      await tp.getByRole('button', { name: 'Save new version' }).click();
      await tp.getByText('Saved as version 2').waitFor({ timeout: 5000 });

      await tp.goto(`${server.baseUrl}/p/metal/metrics`);
      await tp.getByRole('heading', { name: 'Open cases (1)' }).waitFor({ timeout: 5000 });
      assert.ok((await tp.locator('svg[role="img"]').count()) >= 4, 'charts are drawn');
      await tp.context().close();
      await rp.context().close();
    });
  },
);
