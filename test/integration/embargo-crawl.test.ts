// The embargo, proved by crawling: with an advisory scheduled for later, every public page, feed,
// machine document and API answer reachable by following links from the home page — plus the
// machine endpoints a scanner would call directly, and guesses at the advisory's future id — is
// fetched and searched for anything of it (title, text, CVE id, package name, the id it will get).
// Then the clock passes the embargo, the publish job runs, and the same crawl must find it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeCase, makeMember, makeProject } from '../helpers/factories.ts';
import { advisoryContent, publishedAdvisory } from '../helpers/advisories.ts';
import { manualClock } from '../helpers/services.ts';
import { createJobRunner } from '../../src/jobs/index.ts';
import { silentLogger } from '../../src/jobs/job.types.ts';

const SECRET = {
  title: 'Embargoed heap overflow in frobnicator',
  text: 'EMBARGO-MARKER-7f3a9c',
  cve: 'CVE-2026-424242',
  pkg: 'embargoed-frobnicator',
};

/** Every same-origin link and resource named in an HTML, Atom, CSV or text body. */
function linksIn(body: string, base: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/(?:href|src)="([^"]+)"/g)) out.push(m[1]!.replace(/&amp;/g, '&'));
  for (const m of body.matchAll(/https?:\/\/localhost:8080(\/[^\s"'<>)]*)/g)) out.push(m[1]!);
  for (const m of body.matchAll(/^"?(\d{4}\/[^",\s]+\.json)"?/gm)) out.push(`${base}${m[1]}`);
  return out.filter((u) => u.startsWith('/') && !u.startsWith('//'));
}

async function crawl(t: TestApp, extra: string[]): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const queue = ['/', ...extra];
  while (queue.length && seen.size < 400) {
    const url = queue.shift()!.split('#')[0]!;
    if (seen.has(url) || /^\/(login|logout|setup|activate|c\/)/.test(url)) continue;
    const res = await t.app.inject({ method: 'GET', url });
    seen.set(url, `${res.statusCode} ${JSON.stringify(res.headers)}\n${res.body}`);
    assert.ok(res.statusCode < 500, `${url} → ${res.statusCode}`);
    const base = url.startsWith('/.well-known/csaf/white/') ? '/.well-known/csaf/white/' : '/';
    for (const l of linksIn(res.body, base)) if (!seen.has(l.split('#')[0]!)) queue.push(l);
  }
  return seen;
}

async function postAnswers(t: TestApp): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const posts: [string, unknown][] = [
    ['/v1/query', { package: { name: SECRET.pkg, ecosystem: 'npm' }, version: '1.0.0' }],
    ['/v1/query', { package: { name: SECRET.pkg, ecosystem: 'npm' } }],
    ['/v1/query', { package: { purl: `pkg:npm/${SECRET.pkg}@1.0.0` } }],
    [
      '/v1/querybatch',
      {
        queries: [
          { package: { name: SECRET.pkg, ecosystem: 'npm' }, version: '1.0.0' },
          { package: { name: SECRET.pkg } },
        ],
      },
    ],
  ];
  for (const [url, body] of posts) {
    const res = await t.app.inject({ method: 'POST', url, payload: body as object });
    out.set(`POST ${url} ${JSON.stringify(body)}`, `${res.statusCode}\n${res.body}`);
  }
  return out;
}

for (const dialect of dialects()) {
  describe(`embargo crawl (${dialect})`, () => {
    test('nothing of a scheduled advisory is public before its time; all of it after', async (t) => {
      const clock = manualClock('2026-05-04T08:00:00.000Z');
      const app = await createTestApp(dialect, { clock });
      t.after(() => app.close());
      const s = app.services;
      const p = await makeProject(s, { slug: 'frob', name: 'Frob' });
      const m = await makeMember(s, p.slug, 'maintainer');
      await publishedAdvisory(s, m.actor, p.slug, { credits: [{ name: 'Visible Finder', type: 'FINDER' }] });
      const c = await makeCase(s, p.slug, { creditPreference: 'name', creditName: 'Secret Finder Person' });
      const draft = await s.advisories.create(m.actor, p.slug, { cases: [c.key] });
      const content = advisoryContent({
        title: SECRET.title,
        details: `Details ${SECRET.text}`,
        cveIds: [SECRET.cve],
        credits: [{ name: 'Secret Finder Person', type: 'FINDER' }],
        affected: [
          {
            ecosystem: 'npm',
            name: SECRET.pkg,
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
            versions: [],
          },
        ],
      });
      await s.advisories.update(m.actor, draft.uid, { content, baseRevision: 1 });
      await s.publishing.schedule(m.actor, draft.uid, { at: '2026-05-05T12:00', zone: 'Europe/Berlin' });
      // The id it will get: the next number of the year.
      const futureId = 'PARLEY-2026-0002';
      const markers = [
        SECRET.title,
        SECRET.text,
        SECRET.cve,
        SECRET.pkg,
        futureId,
        draft.uid,
        'Secret Finder Person',
      ];

      const direct = [
        '/advisories',
        '/advisories.atom',
        `/p/${p.slug}/advisories.atom`,
        '/hall-of-fame',
        '/.well-known/security.txt',
        `/p/${p.slug}/security.txt`,
        `/p/${p.slug}/SECURITY.md`,
        '/.well-known/csaf/provider-metadata.json',
        '/.well-known/csaf/white/index.txt',
        '/.well-known/csaf/white/changes.csv',
        `/advisories/${futureId}`,
        `/advisories/${futureId}/osv.json`,
        `/advisories/${futureId}/csaf.json`,
        `/advisories/${futureId}/cve.json`,
        `/advisories/${futureId}/release-notes.md`,
        `/advisories/${draft.uid}`,
        `/v1/vulns/${futureId}`,
        `/v1/vulns/x_${futureId}`,
        `/api/v1/advisories/${draft.uid}`,
        `/api/v1/advisories/${futureId}`,
        '/.well-known/csaf/white/2026/parley-2026-0002.json',
        `/advisories?ecosystem=npm`,
        `/advisories?year=2026&severity=high`,
        `/advisories?project=${p.slug}`,
        '/api/openapi.json',
      ];
      const before = new Map([...(await crawl(app, direct)), ...(await postAnswers(app))]);
      assert.ok(before.size > 30, `crawled ${before.size} answers`);
      for (const [url, body] of before) {
        // An answer may echo the URL it was asked (problem+json `instance`); that tells nothing new.
        const path = url.split('?')[0]!;
        const told = body.split(path).join('').split(encodeURIComponent(path)).join('');
        for (const marker of markers) {
          assert.ok(!told.includes(marker), `before the embargo, ${url} reveals "${marker}"`);
        }
      }
      // The 404 for the future id is the same as for an id never used.
      const unknown = await app.app.inject({ method: 'GET', url: '/advisories/PARLEY-2026-0999' });
      const future = await app.app.inject({ method: 'GET', url: `/advisories/${futureId}` });
      assert.equal(future.statusCode, 404);
      assert.equal(future.body.replaceAll(futureId, 'ID'), unknown.body.replaceAll('PARLEY-2026-0999', 'ID'));

      // 12:00 in Berlin (CEST, UTC+2) is 10:00 UTC. A minute before: still nothing.
      clock.advance(Date.parse('2026-05-05T09:59:00.000Z') - clock.peek().getTime());
      const runner = createJobRunner(
        { handle: app.tdb.handle, services: s, close: async () => {} } as never,
        silentLogger,
      );
      await runner.runDueOnce();
      assert.equal((await app.app.inject({ method: 'GET', url: `/v1/vulns/${futureId}` })).statusCode, 404);

      clock.advance(2 * 60_000);
      await runner.runDueOnce();
      const after = new Map([...(await crawl(app, direct)), ...(await postAnswers(app))]);
      t.diagnostic(`crawled ${before.size} answers before the embargo ended and ${after.size} after`);
      const where = (marker: string) =>
        [...after].filter(([, body]) => body.includes(marker)).map(([u]) => u);
      const expectAt = (marker: string, url: string) =>
        assert.ok(
          where(marker).some((u) => u === url || u.startsWith(url)),
          `${marker} not found at ${url}; found at ${where(marker).join(', ')}`,
        );
      expectAt(SECRET.title, '/advisories');
      expectAt(SECRET.title, `/advisories/${futureId}`);
      expectAt(SECRET.title, '/advisories.atom');
      expectAt(SECRET.cve, `/advisories/${futureId}/cve.json`);
      expectAt(SECRET.pkg, `/v1/vulns/${futureId}`);
      expectAt(`x_${futureId}`, 'POST /v1/querybatch');
      expectAt('parley-2026-0002.json', '/.well-known/csaf/white/index.txt');
      expectAt('Secret Finder Person', '/hall-of-fame');
      const reporterCase = await s.cases.get(c.reporter, { id: c.id });
      assert.equal(reporterCase.state, 'disclosed');
    });
  });
}
