// Duplicate suggestions: for a case, the project's open and recent cases that read alike, best first,
// over the API and on the case page with a one-click "Mark as duplicate of KEY" that closes the case
// through the ordinary transition. Other projects' cases and old closed ones are never suggested.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { apiClient, assertProblem, patFor, type Call } from '../helpers/api.ts';
import { manualClock } from '../helpers/services.ts';
import type { Actor } from '../../src/services/actor.ts';
import type { TeamCaseView } from '../../src/services/presenters/case.presenter.ts';

const TAR = {
  title: 'Path traversal in archive extraction',
  description:
    'extractArchive() in pkg/archive/tar.go joins each entry name onto the destination directory without ' +
    'cleaning it. A tarball with an entry named ../../etc/cron.d/job is written outside the target directory.',
};
const TAR_AGAIN = {
  title: 'Directory traversal (Zip Slip) when extracting tar archives',
  description:
    'The function extractArchive in pkg/archive/tar.go does not sanitize entry names. A malicious tar archive ' +
    'containing ../../../etc/cron.d/evil writes files outside of the intended destination directory.',
};
const OTHERS = [
  {
    title: 'SSRF in webhook delivery',
    description:
      'Webhook URLs are checked when saved, but the HTTP client follows redirects to 169.254.169.254 and the ' +
      'delivery log shows the metadata response.',
  },
  {
    title: 'Session fixation after login',
    description:
      'The session cookie is not rotated when a user signs in, so a planted session id stays valid.',
  },
];

for (const dialect of dialects()) {
  describe(`duplicate suggestions (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    let slug: string;
    let team: { actor: Actor; email: string };
    let original: { id: string; key: string };
    let oldClosed: { id: string; key: string };
    let oldOpen: { id: string; key: string };
    let inOther: { id: string; key: string };
    const clock = manualClock('2026-01-01T09:00:00.000Z', 1);

    before(async () => {
      t = await createTestApp(dialect, { clock });
      call = apiClient(t.app);
      slug = (await makeProject(t.services, { name: 'Conure' })).slug;
      const otherSlug = (await makeProject(t.services, { name: 'Other' })).slug;
      team = await makeMember(t.services, slug, 'responder');
      // Long ago: one closed (too old to suggest), one still open (open cases are always candidates).
      oldClosed = await makeCase(t.services, slug, {
        ...TAR,
        title: 'Tar extraction traversal (old, closed)',
      });
      await t.services.cases.transition(
        team.actor,
        { id: oldClosed.id },
        {
          to: 'closed',
          resolution: 'informative',
        },
      );
      oldOpen = await makeCase(t.services, slug, {
        ...TAR,
        title: 'Tar traversal in extractArchive (old, open)',
      });
      clock.advance(120 * 86_400_000);
      original = await makeCase(t.services, slug, TAR);
      for (const o of OTHERS) await makeCase(t.services, slug, o);
      inOther = await makeCase(t.services, otherSlug, TAR);
    });
    after(() => t.close());

    test('API: the same issue reworded ranks the earlier report first; unrelated and out-of-reach cases are absent', async () => {
      const dup = await makeCase(t.services, slug, TAR_AGAIN);
      const token = await patFor(t.services, team.email);
      const res = await call('GET', `/api/v1/reports/${dup.key}/similar`, { token });
      assert.equal(res.status, 200);
      const keys = res.json.items.map((i: { key: string }) => i.key);
      assert.ok(keys.length >= 2 && keys.length <= 5, JSON.stringify(res.json.items));
      assert.ok([original.key, oldOpen.key].includes(keys[0]), `first: ${keys[0]}`);
      assert.ok(keys.includes(original.key) && keys.includes(oldOpen.key));
      assert.ok(!keys.includes(oldClosed.key), 'closed and older than 90 days');
      assert.ok(!keys.includes(inOther.key), 'another project');
      assert.ok(!keys.includes(dup.key), 'not itself');
      for (const i of res.json.items) {
        assert.ok(i.score >= 0.3 && i.score <= 1);
        assert.equal(typeof i.title, 'string');
      }
      // Nothing like the others: a session report gets no tar suggestion.
      const session = await makeCase(t.services, slug, {
        title: 'Login page open redirect',
        description:
          'The next parameter of /login accepts //evil.example and sends the user there after sign-in.',
      });
      const none = await call('GET', `/api/v1/reports/${session.key}/similar`, { token });
      assert.deepEqual(none.json.items, []);
    });

    test('API: only the team; others get 404', async () => {
      const outsider = await makeMember(t.services, (await makeProject(t.services)).slug, 'maintainer');
      const token = await patFor(t.services, outsider.email);
      assertProblem(
        await call('GET', `/api/v1/reports/${original.key}/similar`, { token }),
        404,
        'not-found',
      );
      // A reporter, even of this very case, is not told about other people's reports.
      const own = await makeCase(t.services, slug, TAR_AGAIN);
      const asReporter = await call('GET', `/api/v1/reports/${own.id}/similar`, { token: own.accessToken });
      // A refused read is a 404, even for someone who may see the case itself.
      assertProblem(asReporter, 404, 'not-found');
      const otherCase = await call('GET', `/api/v1/reports/${original.id}/similar`, {
        token: own.accessToken,
      });
      assertProblem(otherCase, 404, 'not-found');
    });

    test('case page: suggestions with a one-click duplicate form that closes the case', async () => {
      const dup = await makeCase(t.services, slug, { ...TAR_AGAIN, title: `${TAR_AGAIN.title} (page)` });
      const page = new PageClient(t.app);
      await page.login(team.email, PASSWORD);
      const res = await page.get(`/cases/${dup.key}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h2>Possible duplicates<\/h2>/);
      assert.match(res.body, new RegExp(`Mark as duplicate of ${original.key}<`));
      assert.match(res.body, /% similar/);
      const post = await page.post(
        `/cases/${dup.key}/transition`,
        { to: 'closed', resolution: 'duplicate', duplicateOf: original.key },
        { csrfFrom: `/cases/${dup.key}` },
      );
      assert.equal(post.statusCode, 303);
      const view = (await t.services.cases.get(team.actor, { id: dup.id })) as TeamCaseView;
      assert.equal(view.state, 'closed');
      assert.equal(view.resolution, 'duplicate');
      assert.equal(view.duplicateOf, original.key);
      // Past triage the comparison runs only when asked; closed, the list has no button.
      const after = await page.get(`/cases/${dup.key}`);
      assert.doesNotMatch(after.body, /% similar/);
      assert.match(after.body, new RegExp(`href="/cases/${dup.key}\\?similar=1#similar-cases"`));
      const asked = await page.get(`/cases/${dup.key}?similar=1`);
      assert.match(asked.body, /% similar/);
      assert.doesNotMatch(asked.body, /Mark as duplicate of/);
    });

    test('a suggestion that is itself a duplicate points the button at its original', async () => {
      const copy = await makeCase(t.services, slug, {
        ...TAR_AGAIN,
        title: 'Zip Slip in tar extraction, copy',
      });
      await t.services.cases.transition(
        team.actor,
        { id: copy.id },
        {
          to: 'closed',
          resolution: 'duplicate',
          duplicateOf: original.key,
        },
      );
      const third = await makeCase(t.services, slug, {
        ...TAR_AGAIN,
        title: 'Zip Slip in tar extraction, third',
      });
      const items = await t.services.triage.similarCases(team.actor, { id: third.id });
      const viaCopy = items.find((i) => i.key === copy.key);
      assert.ok(viaCopy, JSON.stringify(items.map((i) => i.key)));
      assert.equal(viaCopy.duplicateOf, original.key);
      const page = new PageClient(t.app);
      await page.login(team.email, PASSWORD);
      const res = await page.get(`/cases/${third.key}`);
      assert.doesNotMatch(res.body, new RegExp(`Mark as duplicate of ${copy.key}<`));
    });

    test('a changed title is seen (the cache follows updated_at)', async () => {
      const token = await patFor(t.services, team.email);
      const probe = await makeCase(t.services, slug, {
        title: 'Unrelated: rate limiter bypass with X-Forwarded-For',
        description:
          'Sending a random X-Forwarded-For header on each request resets the per-IP counter of the limiter.',
      });
      const target = await makeCase(t.services, slug, {
        title: 'Limiter bypass with spoofed X-Forwarded-For headers',
        description:
          'The per-IP rate limiter trusts X-Forwarded-For, so a random value per request resets its counter.',
      });
      const before = await call('GET', `/api/v1/reports/${target.key}/similar`, { token });
      assert.ok(before.json.items.some((i: { key: string }) => i.key === probe.key));
      clock.advance(1000);
      await t.services.cases.update(
        team.actor,
        { id: probe.id },
        { title: 'Totally different: CSRF on settings' },
      );
      const after = await call('GET', `/api/v1/reports/${target.key}/similar`, { token });
      const hit = after.json.items.find((i: { key: string }) => i.key === probe.key);
      if (hit) assert.equal(hit.title, 'Totally different: CSRF on settings');
      const first = before.json.items.find((i: { key: string }) => i.key === probe.key);
      assert.ok(!hit || hit.score < first.score, 'the new title lowers the score');
    });
  });
}
