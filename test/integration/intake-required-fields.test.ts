// Policy-required report fields (policy report.required / report.minLength) on every channel: API
// field errors, the form marking and enforcing them with the text kept, SECURITY.md and the policy
// page saying so, and mail intake refusing a report that lacks them (550, with what is missing) —
// while a policy without them keeps taking free-text mail as before.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, reportInput } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { apiClient, assertFieldErrors, type Call } from '../helpers/api.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { startInboundSmtp } from '../../src/integrations/mail/inbound-server.ts';

const POLICY = `policyFormat: 1
report:
  required: [stepsToReproduce, reporterEmail]
  minLength:
    stepsToReproduce: 40
    description: 60
`;
const LONG_STEPS = '1. curl -X POST http://target/upload -F f=@evil.tar\n2. ls /etc/cron.d';
const LONG_DESC = 'Extracting a crafted tarball writes files outside the target directory of the extractor.';
const silent = { info() {}, warn() {}, error() {} };

for (const dialect of dialects()) {
  describe(`policy-required report fields (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    let strict: string;
    let lax: string;
    before(async () => {
      t = await createTestApp(dialect);
      call = apiClient(t.app);
      strict = (await makeProject(t.services, { name: 'Strict' })).slug;
      lax = (await makeProject(t.services, { name: 'Lax' })).slug;
      const m = await makeMember(t.services, strict, 'maintainer');
      await t.services.policies.save(m.actor, strict, { source: POLICY });
    });
    after(() => t.close());

    test('API: missing or short required fields are field errors that say the policy asks for them', async () => {
      const res = await call('POST', `/api/v1/projects/${strict}/reports`, {
        body: reportInput({
          stepsToReproduce: 'run it',
          description: 'Short, says little.',
          reporterEmail: null,
        }),
      });
      const p = assertFieldErrors(res, ['description', 'stepsToReproduce', 'reporterEmail']);
      const byField = Object.fromEntries(
        p.errors.map((e: { field: string; message: string }) => [e.field, e.message]),
      );
      assert.match(byField.stepsToReproduce, /at least 40 characters\. This project’s policy asks for it/);
      assert.match(byField.description, /at least 60 characters/);
      assert.match(byField.reporterEmail, /E-mail is required\. This project’s policy asks for it/);
      const ok = await call('POST', `/api/v1/projects/${strict}/reports`, {
        body: reportInput({ stepsToReproduce: LONG_STEPS, description: LONG_DESC }),
      });
      assert.equal(ok.status, 201);
      // The same report without an e-mail is fine where the policy does not ask for one.
      const other = await call('POST', `/api/v1/projects/${lax}/reports`, {
        body: reportInput({ reporterEmail: null }),
      });
      assert.equal(other.status, 201);
    });

    test('the form marks the policy’s fields required, shows the minimums, and keeps the text on refusal', async () => {
      const page = new PageClient(t.app);
      const get = await page.get(`/p/${strict}/report`);
      assert.match(
        get.body,
        /Every report must include: description \(at least 60 characters\); steps to reproduce with a proof of concept \(at least 40 characters\); an e-mail address to reach you/,
      );
      assert.match(get.body, /<input id="reporterEmail" name="reporterEmail" type="email" value required/);
      assert.match(get.body, /proof of concept \(commands, requests or code\).*At least 40 characters\./s);
      const laxPage = await page.get(`/p/${lax}/report`);
      assert.doesNotMatch(laxPage.body, /Every report must include/);
      assert.doesNotMatch(laxPage.body, /name="reporterEmail" type="email" value required/);
      const fields = Object.fromEntries(
        Object.entries(reportInput({ stepsToReproduce: 'too short', reporterEmail: '' })).map(([k, v]) => [
          k,
          String(v ?? ''),
        ]),
      );
      const res = await page.post(`/p/${strict}/report`, fields, { csrfFrom: `/p/${strict}/report` });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Steps to reproduce needs at least 40 characters/);
      assert.match(res.body, /too short<\/textarea>/);
    });

    test('SECURITY.md and the policy page state the requirements', async () => {
      const md = (await t.app.inject({ url: `/p/${strict}/SECURITY.md` })).body;
      assert.match(md, /- a description of the vulnerability \(required, at least 60 characters\)/);
      assert.match(
        md,
        /- steps to reproduce it, with a proof of concept \(required, at least 40 characters\)/,
      );
      assert.match(md, /- an e-mail address to reach you \(required\)/);
      assert.match(md, /Reports without the required parts are refused, by e-mail too/);
      const laxMd = (await t.app.inject({ url: `/p/${lax}/SECURITY.md` })).body;
      assert.match(laxMd, /- steps to reproduce it \(required\)\n/);
      assert.doesNotMatch(laxMd, /refused/);
      const policyPage = (await t.app.inject({ url: `/p/${strict}` })).body;
      assert.match(policyPage, /id="report-requirements"/);
    });

    test('an unknown field in report.required is a policy error', async () => {
      const m = await makeMember(t.services, lax, 'maintainer');
      await assert.rejects(
        t.services.policies.save(m.actor, lax, { source: 'policyFormat: 1\nreport:\n  required: [poc]\n' }),
        (e) => e instanceof ValidationError && /required/.test(JSON.stringify(e.errors)),
      );
    });

    test('mail: a report lacking a required part is refused with 550 naming it; an attached PoC counts', async () => {
      const smtp = await startInboundSmtp({
        port: 0,
        host: '127.0.0.1',
        intake: t.services.mailIntake,
        logger: silent,
        maxBytes: 1_000_000,
        name: 'localhost',
      });
      const send = (to: string, text: string, attachments?: nodemailer.SendMailOptions['attachments']) =>
        nodemailer
          .createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true })
          .sendMail({ from: 'finder@example.org', to, subject: 'Tar traversal by mail', text, attachments })
          .then(
            () => 'accepted',
            (e: { response?: string }) => String(e.response),
          );
      try {
        const refused = await send(`${strict}@localhost`, `Description:\n${LONG_DESC}\n`);
        assert.match(
          refused,
          /^550 5\.6\.0 Report refused: this project's policy requires parts the mail lacks: Steps to reproduce: at least 40 characters/,
        );
        assert.match(refused, new RegExp(`/p/${strict}/report`));
        const withSteps = await send(
          `${strict}@localhost`,
          `Description:\n${LONG_DESC}\n\nSteps to reproduce:\n${LONG_STEPS}\n`,
        );
        assert.equal(withSteps, 'accepted');
        const withFile = await send(`${strict}@localhost`, `Description:\n${LONG_DESC}\n`, [
          { filename: 'poc.sh', content: 'curl -X POST http://target/upload -F f=@evil.tar\n' },
        ]);
        assert.equal(withFile, 'accepted', 'an attached proof of concept stands in for the steps');
        // Without policy requirements, free text is taken as before (requireSteps is about the form).
        assert.equal(await send(`${lax}@localhost`, 'I think your login has a bug.'), 'accepted');
      } finally {
        await smtp.close();
      }
    });
  });
}
