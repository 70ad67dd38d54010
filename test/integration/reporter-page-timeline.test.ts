// The reporter's case page shows the latest 200 timeline entries of a long case, with a link to the
// rest (`?timeline=all`): every reply answers with this page, so a long thread must not make each
// one slower (found by the sqlmap run, which wrote thousands of replies to one case).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeCase, makeMember, makeProject } from '../helpers/factories.ts';
import { TIMELINE_LATEST } from '../../src/services/case-view.ts';

describe('reporter page of a long case (sqlite)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite');
  });
  after(() => t.close());

  test('latest entries only, with a "show all" link that shows everything', async () => {
    const { slug } = await makeProject(t.services);
    const team = await makeMember(t.services, slug, 'maintainer');
    const c = await makeCase(t.services, slug);
    const replies = TIMELINE_LATEST + 5;
    for (let i = 1; i <= replies; i++)
      await t.services.cases.addMessage(team.actor, { id: c.id }, { body: `team reply number ${i}` });

    const page = await t.app.inject({ method: 'GET', url: c.casePath });
    assert.equal(page.statusCode, 200);
    const shown = page.body.match(/team reply number \d+/g) ?? [];
    assert.ok(shown.length <= TIMELINE_LATEST, `shows ${shown.length}`);
    assert.match(page.body, new RegExp(`team reply number ${replies}\\b`), 'the newest is shown');
    assert.doesNotMatch(page.body, /team reply number 1\b/, 'the oldest is left out');
    assert.match(page.body, /Showing the latest \d+ of \d+ entries/);
    assert.match(page.body, /\?timeline=all/);

    const all = await t.app.inject({ method: 'GET', url: `${c.casePath}?timeline=all` });
    assert.equal(all.statusCode, 200);
    assert.equal((all.body.match(/team reply number \d+/g) ?? []).length, replies);
    assert.doesNotMatch(all.body, /Showing the latest/);
  });
});
