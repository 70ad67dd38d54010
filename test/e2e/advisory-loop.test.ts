// The advisory loop in a real browser with JavaScript disabled: a maintainer drafts an advisory from a
// case, fills in the affected packages as YAML (a typo is reported and nothing is lost), saves, sees the
// publication blocked until it is ready, publishes; a visitor finds it on /advisories and reads it; the
// reporter's page shows the publication.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium, startServer } from '../helpers/browser.ts';
import { makeCase, makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';

const enabled = !!process.env.PARLEY_CHROMIUM;

const AFFECTED = `- ecosystem: npm
  name: tarball-extract
  ranges:
    - type: SEMVER
      events:
        - introduced: "1.0.0"
        - fixed: "1.4.2"`;

describe(
  'e2e advisory loop (sqlite)',
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

    test('draft from a case, fix a YAML typo, publish, read it in public', async () => {
      const project = await makeProject(server.services, { name: 'Tarball', key: 'TAR', slug: 'tarball' });
      const maintainer = await makeMember(server.services, project.slug, 'maintainer');
      const c = await makeCase(server.services, project.slug, {
        title: 'Path traversal in tarball-extract',
        creditPreference: 'name',
        creditName: 'Ada Lovelace',
      });

      const tp = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await tp.goto(`${server.baseUrl}/login`);
      await tp.getByLabel('E-mail').fill(maintainer.email);
      await tp.getByLabel('Password').fill(PASSWORD);
      await tp.getByRole('button', { name: 'Sign in' }).click();
      await tp.waitForURL(/\/inbox/);
      await tp.goto(`${server.baseUrl}/cases/${c.key}`);
      await tp.getByRole('button', { name: 'Draft an advisory from this case' }).click();
      await tp.waitForURL(/\/team\/advisories\/[0-9a-f-]{36}$/);
      assert.equal(await tp.getByLabel('Title').inputValue(), 'Path traversal in tarball-extract');
      assert.match(await tp.getByLabel('Credits, one per line').inputValue(), /Ada Lovelace \(FINDER\)/);
      await tp.getByText('Name at least one affected package before publishing.').waitFor({ timeout: 5000 });
      assert.ok(await tp.getByRole('button', { name: 'Publish now' }).isDisabled());

      await tp.getByLabel('Severity').selectOption('high');
      await tp.getByLabel('Upgrade steps (Markdown)').fill('npm install tarball-extract@1.4.2');
      await tp.getByLabel('Affected packages (YAML)').fill(AFFECTED.replace('  ranges:', ' ranges:'));
      await tp.getByRole('button', { name: 'Save revision' }).click();
      await tp.getByText('not valid YAML', { exact: false }).first().waitFor({ timeout: 5000 });
      assert.equal(
        await tp.getByLabel('Upgrade steps (Markdown)').inputValue(),
        'npm install tarball-extract@1.4.2',
        'nothing typed is lost',
      );
      await tp.getByLabel('Affected packages (YAML)').fill(AFFECTED);
      await tp.getByRole('button', { name: 'Save revision' }).click();
      await tp.getByText('Saved as revision 2').waitFor({ timeout: 5000 });
      await tp.getByRole('button', { name: 'Publish now' }).click();
      await tp.getByText('public page').waitFor({ timeout: 5000 });

      const vp = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await vp.goto(`${server.baseUrl}/advisories`);
      await vp
        .getByRole('link', { name: /Path traversal in tarball-extract/ })
        .first()
        .click();
      await vp.getByRole('heading', { name: /Path traversal in tarball-extract/ }).waitFor({ timeout: 5000 });
      await vp.getByText('npm install tarball-extract@1.4.2').first().waitFor();
      await vp.getByText('Ada Lovelace').first().waitFor();
      assert.match(vp.url(), /\/advisories\/PARLEY-\d{4}-0001$/);

      const view = await server.services.cases.get(c.reporter, { id: c.id });
      assert.equal(view.state, 'disclosed');
    });
  },
);
