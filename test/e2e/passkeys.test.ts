// Passkeys in real Chromium with a virtual authenticator (Chrome DevTools Protocol, WebAuthn
// domain): a member registers a passkey on /account/security, then signs in with password + passkey
// (second step), then with the passkey alone (passwordless). The authenticator really signs: the
// server verifies attestation and assertions with @simplewebauthn/server against the real origin.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, startServer } from '../helpers/browser.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';

const enabled = !!process.env.PARLEY_CHROMIUM;

async function withAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

for (const dialect of dialects()) {
  describe(
    `e2e passkeys (${dialect})`,
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

      const signInWithPassword = async (page: Page, email: string) => {
        await page.goto(`${server.baseUrl}/login`);
        await page.getByLabel('E-mail').fill(email);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      };
      const signOut = async (page: Page) => {
        await page.getByRole('button', { name: 'Sign out' }).first().click();
        await page.waitForURL(`${server.baseUrl}/`);
      };

      test('register a passkey, then sign in with it as second factor and without a password', async () => {
        const project = await makeProject(server.services, { slug: `kestrel-${dialect}` });
        const member = await makeMember(server.services, project.slug, 'responder');
        const context = await browser.newContext();
        const page = await context.newPage();
        const { cdp, authenticatorId } = await withAuthenticator(context, page);

        await signInWithPassword(page, member.email);
        await page.waitForURL(/\/inbox$/);

        // Register: the script fetches options, the virtual authenticator creates the credential.
        await page.goto(`${server.baseUrl}/account/security`);
        await page.getByLabel('Name of the new passkey').fill('Virtual key');
        await page.getByRole('button', { name: 'Add a passkey' }).click();
        await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor({ timeout: 10_000 });
        const codes = (await page.locator('pre.secret').innerText()).trim().split('\n');
        assert.equal(codes.length, 10);
        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
        assert.equal(credentials.length, 1, 'the authenticator holds one credential');
        assert.equal(credentials[0]!.isResidentCredential, true);
        const rows = await server.tdb.handle.db.selectFrom('passkeys').selectAll().execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.name, 'Virtual key');
        assert.equal(rows[0]!.user_id, member.user.id);
        assert.equal(
          rows[0]!.id,
          credentials[0]!.credentialId.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
        );

        // Second step: the password alone is not a session.
        await signOut(page);
        await signInWithPassword(page, member.email);
        await page.waitForURL(/\/login\/second-factor/);
        const pending = await page.request.get(`${server.baseUrl}/inbox`, { maxRedirects: 0 });
        assert.equal(pending.status(), 303, 'a pending login is not signed in');
        assert.match(pending.headers()['location'] ?? '', /^\/login/);
        await page.getByRole('button', { name: 'Use my passkey' }).click();
        await page.waitForURL(/\/inbox$/, { timeout: 10_000 });
        const counterAfterSecondStep = (
          await server.tdb.handle.db.selectFrom('passkeys').select('last_used_at').executeTakeFirstOrThrow()
        ).last_used_at;
        assert.ok(counterAfterSecondStep, 'the passkey use is recorded');

        // Passwordless: a discoverable credential with user verification signs in on its own.
        await signOut(page);
        await page.goto(`${server.baseUrl}/login`);
        await page.getByRole('button', { name: 'Use a passkey' }).click();
        await page.waitForURL(/\/inbox$/, { timeout: 10_000 });
        assert.ok(await page.getByRole('link', { name: member.user.name }).isVisible());

        const audit = await server.tdb.handle.db
          .selectFrom('audit_log')
          .select(['action', 'data'])
          .where('actor_user_id', '=', member.user.id)
          .orderBy('id')
          .execute();
        const actions = audit.map((a) => a.action);
        assert.ok(actions.includes('account.passkey-added'));
        assert.ok(actions.includes('account.recovery-codes'));
        assert.ok(
          audit.some((a) => a.action === 'auth.second-factor' && JSON.parse(a.data).factor === 'passkey'),
        );
        assert.ok(audit.some((a) => a.action === 'auth.login' && JSON.parse(a.data).passwordless === true));
        await context.close();
      });

      test('without JavaScript the passkey button stays off and the page says to use a code', async () => {
        const context = await browser.newContext({ javaScriptEnabled: false });
        const page = await context.newPage();
        await page.goto(`${server.baseUrl}/login`);
        assert.equal(await page.getByRole('button', { name: 'Use a passkey' }).isDisabled(), true);
        assert.ok(await page.getByText('Passkeys need JavaScript').first().isVisible());
        await context.close();
      });
    },
  );
}
