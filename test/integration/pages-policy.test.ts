// The published policy and the pages that use it: the policy page, SECURITY.md, security.txt (per
// project and well-known, checked against RFC 9116's rules), scope guidance and the out-of-scope
// confirmation on the report form, the maintainer's editor (check, diff, save, stale save), and the
// case page's clocks, severity and checklist.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, makeMember, makeProject, PASSWORD, reportInput } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';

const EXAMPLE = fs.readFileSync('examples/policies/kubernetes-controller.yaml', 'utf8');

/** RFC 9116 §2.5: `Field: value` lines (or comments), Contact and exactly one Expires required. */
function checkSecurityTxt(text: string, now: Date) {
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const known = [
    'Acknowledgments',
    'Canonical',
    'Contact',
    'Encryption',
    'Expires',
    'Hiring',
    'Policy',
    'Preferred-Languages',
    'CSAF',
  ];
  const fields = lines.map((l) => {
    const m = /^([A-Za-z-]+): (\S.*)$/.exec(l);
    assert.ok(m, `"${l}" is a field line`);
    assert.ok(known.includes(m[1]!), `${m[1]} is an RFC 9116 field`);
    return { name: m[1]!, value: m[2]! };
  });
  const contacts = fields.filter((f) => f.name === 'Contact');
  assert.ok(contacts.length >= 1, 'at least one Contact');
  for (const c of contacts) assert.match(c.value, /^(mailto:|https?:\/\/|tel:)/);
  const expires = fields.filter((f) => f.name === 'Expires');
  assert.equal(expires.length, 1, 'exactly one Expires');
  const at = Date.parse(expires[0]!.value);
  assert.ok(at > now.getTime() && at - now.getTime() < 365 * 86_400_000, 'Expires within a year');
  for (const f of fields.filter((x) =>
    ['Canonical', 'Policy', 'Encryption', 'Acknowledgments'].includes(x.name),
  ))
    assert.match(f.value, /^https?:\/\//, `${f.name} is a URI`);
  assert.equal(fields.filter((f) => f.name === 'Preferred-Languages').length <= 1, true);
  return fields;
}

for (const dialect of dialects()) {
  describe(`policy pages (${dialect})`, () => {
    let t: TestApp;
    let slug: string;
    let maintainer: Awaited<ReturnType<typeof makeMember>>;
    before(async () => {
      t = await createTestApp(dialect);
      const p = await makeProject(t.services, { name: 'Kube Guard' });
      slug = p.slug;
      maintainer = await makeMember(t.services, slug, 'maintainer');
      await t.services.policies.save(maintainer.actor, slug, { source: EXAMPLE });
    });
    after(() => t.close());

    test('the policy page, SECURITY.md and security.txt carry the policy', async () => {
      const page = await t.app.inject({ url: `/p/${slug}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /What to expect/);
      assert.match(page.body, /48 hours/);
      // A scope item's "instead" is inline Markdown text, never turned into a bare link target.
      assert.match(page.body, /Instead: <span>Report them through the Kubernetes security process/);
      assert.doesNotMatch(page.body, /href="Report them/);
      const md = await t.app.inject({ url: `/p/${slug}/SECURITY.md` });
      assert.equal(md.statusCode, 200);
      assert.match(String(md.headers['content-type']), /^text\/markdown; charset=utf-8/);
      assert.match(md.body, /^# /m);
      const txt = await t.app.inject({ url: `/p/${slug}/security.txt` });
      assert.equal(String(txt.headers['content-type']), 'text/plain; charset=utf-8');
      const fields = checkSecurityTxt(txt.body, new Date());
      assert.equal(fields.find((f) => f.name === 'Contact')!.value, `http://localhost:8080/p/${slug}/report`);
      assert.equal(fields.find((f) => f.name === 'Policy')!.value, `http://localhost:8080/p/${slug}`);
      assert.equal((await t.app.inject({ url: '/p/nope/security.txt' })).statusCode, 404);
      assert.equal((await t.app.inject({ url: '/p/nope/SECURITY.md' })).statusCode, 404);
    });

    test('/.well-known/security.txt is valid with several projects and names each report form', async () => {
      await makeProject(t.services);
      const res = await t.app.inject({ url: '/.well-known/security.txt' });
      assert.equal(res.statusCode, 200);
      assert.equal(String(res.headers['content-type']), 'text/plain; charset=utf-8');
      const fields = checkSecurityTxt(res.body, new Date());
      assert.ok(fields.some((f) => f.name === 'Contact' && f.value.endsWith(`/p/${slug}/report`)));
      assert.ok(fields.some((f) => f.name === 'Canonical' && f.value.endsWith('/.well-known/security.txt')));
    });

    test('under https the security.txt URIs are https, as RFC 9116 requires', async () => {
      const https = await createTestApp(dialect, { env: { PARLEY_PUBLIC_URL: 'https://parley.example' } });
      try {
        const p = await makeProject(https.services);
        const res = await https.app.inject({ url: `/p/${p.slug}/security.txt` });
        const fields = checkSecurityTxt(res.body, new Date());
        for (const f of fields.filter((x) => ['Canonical', 'Policy'].includes(x.name)))
          assert.match(f.value, /^https:\/\/parley\.example\//);
      } finally {
        await https.close();
      }
    });

    test('the form shows scope guidance; an out-of-scope pick is explained and can still be sent', async () => {
      const form = await t.app.inject({ url: `/p/${slug}/report` });
      assert.match(form.body, /Before you report/);
      assert.match(form.body, /name="scopeCategory" value="upstream-dependency"/);
      const c = new PageClient(t.app);
      const fields = { ...reportInput(), scopeCategory: 'upstream-dependency' } as Record<string, string>;
      const first = await c.post(`/p/${slug}/report`, fields, { csrfFrom: `/p/${slug}/report` });
      assert.equal(first.statusCode, 200, 'asked to confirm, nothing stored yet');
      assert.match(first.body, /This may be out of scope/);
      assert.match(first.body, /name="confirmOutOfScope" value="1"/);
      assert.match(first.body, /Submit anyway/);
      assert.ok(first.body.includes(fields.title!), 'the report text is kept');
      const before = await t.services.cases.list(maintainer.actor, { project: slug, state: '' });
      const sent = await c.post(
        `/p/${slug}/report`,
        { ...fields, confirmOutOfScope: '1' },
        { csrfFrom: `/p/${slug}/report` },
      );
      assert.equal(sent.statusCode, 303);
      const after = await t.services.cases.list(maintainer.actor, {
        project: slug,
        state: '',
        order: 'newest',
      });
      assert.equal(after.total, before.total + 1);
      assert.equal(after.items[0]!.key.length > 0, true);
    });

    test('the maintainer checks (with diff and line numbers), saves, and a stale save is refused', async () => {
      const c = new PageClient(t.app);
      await c.login(maintainer.email, PASSWORD);
      const editor = `/p/${slug}/settings/policy`;
      const page = await c.get(editor);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="baseVersion" value="1"/);
      const broken = await c.post(
        editor,
        { source: 'policyFormat: 1\nsla:\n  timeZone: Nowhere/Land\n', intent: 'preview', baseVersion: '1' },
        { csrfFrom: editor },
      );
      assert.equal(broken.statusCode, 422);
      assert.match(broken.body, /line 3, column 13/);
      const edited = EXAMPLE.replace('acknowledge: 48h', 'acknowledge: 24h');
      assert.notEqual(edited, EXAMPLE);
      const preview = await c.post(
        editor,
        { source: edited, intent: 'preview', baseVersion: '1' },
        { csrfFrom: editor },
      );
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /class="diff-added">\+ {2}?\s*acknowledge: 24h/);
      const saved = await c.post(
        editor,
        { source: edited, intent: 'save', baseVersion: '1', note: 'faster ack' },
        { csrfFrom: editor },
      );
      assert.equal(saved.statusCode, 303);
      assert.equal(saved.headers.location, `/p/${slug}/settings/policy?saved=2`);
      const stale = await c.post(
        editor,
        { source: EXAMPLE, intent: 'save', baseVersion: '1' },
        { csrfFrom: editor },
      );
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /changed meanwhile/);
      assert.equal((await t.services.policies.current(slug)).version, 2);
      const responder = await makeMember(t.services, slug, 'responder');
      const r = new PageClient(t.app);
      await r.login(responder.email, PASSWORD);
      assert.equal((await r.get(editor)).statusCode, 403);
    });

    test('the case page shows the clocks in the policy time zone, severity and the checklist', async () => {
      const k = (await makeCase(t.services, slug)).key;
      const c = new PageClient(t.app);
      await c.login(maintainer.email, PASSWORD);
      const page = await c.get(`/cases/${k}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /id="deadlines"/);
      assert.match(page.body, /Acknowledge/);
      assert.match(page.body, /Times in [A-Za-z_/]+/);
      assert.match(page.body, /On track/);
      assert.match(page.body, /id="severity-form"/);
      assert.match(page.body, /id="checklist-incident-response"/);
      const tick = await c.post(
        `/cases/${k}/checklist`,
        { checklist: 'incident-response', item: 'root-cause', checked: 'true' },
        { csrfFrom: `/cases/${k}` },
      );
      assert.equal(tick.statusCode, 303);
      assert.match((await c.get(`/cases/${k}`)).body, /ticked by/);
      const cvss = await c.post(
        `/cases/${k}/update`,
        { cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', severity: '', severityReason: '' },
        { csrfFrom: `/cases/${k}` },
      );
      assert.equal(cvss.statusCode, 303);
      const after = await c.get(`/cases/${k}`);
      assert.match(after.body, /base score <strong>9\.8<\/strong>/);
      const inbox = await c.get(`/inbox?project=${slug}`);
      assert.match(inbox.body, /Next deadline/);
    });
  });
}
