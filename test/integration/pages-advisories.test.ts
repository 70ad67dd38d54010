// The public side of advisories: the list and its filters (umbrella projects include their
// components), each advisory's page, the machine-readable documents, Atom feeds, the hall of fame, the
// CSAF provider directory, and security.txt pointing at them. Drafts must look exactly like ids never
// used, and anonymous reporters must never be named.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { xml2js, type Element } from 'xml-js';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { csafFilename } from '../../src/integrations/csaf/csaf-export.ts';

const CVSS3 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N';

function content(overrides: Record<string, unknown>) {
  return {
    title: 'Path traversal in archive extraction',
    summary: 'Crafted archive names escape the upload directory.',
    details: '## Impact\n\nAn attacker can write files outside `uploads/`.',
    severity: 'high',
    cvss3Vector: CVSS3,
    cwes: [
      {
        id: 'CWE-22',
        name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
      },
    ],
    cveIds: ['CVE-2026-10001'],
    affected: [
      {
        ecosystem: 'npm',
        name: 'conure-server',
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.4.2' }] }],
        versions: [],
      },
    ],
    workarounds: 'Reject uploads whose entries contain `..`.',
    upgrade: 'npm install conure-server@1.4.2',
    references: [{ type: 'FIX', url: 'https://example.org/conure/commit/abc' }],
    credits: [{ name: 'Ada Finder', type: 'FINDER' }],
    ...overrides,
  };
}

/** Parses XML strictly (a malformed feed throws) and returns the <entry> elements' titles. */
function feedEntries(xml: string): { titles: string[]; root: Element } {
  const doc = xml2js(xml, { compact: false }) as Element;
  const root = doc.elements!.find((e) => e.name === 'feed')!;
  assert.equal(root.attributes?.xmlns, 'http://www.w3.org/2005/Atom');
  const entries = root.elements!.filter((e) => e.name === 'entry');
  const titles = entries.map((e) => {
    const t = e.elements!.find((x) => x.name === 'title')!;
    return t.elements!.map((x) => String(x.cdata ?? x.text ?? '')).join('');
  });
  return { titles, root };
}

for (const dialect of dialects()) {
  describe(`public advisories (${dialect})`, () => {
    let t: TestApp;
    const year = String(new Date().getUTCFullYear());
    const ids: Record<'a' | 'b' | 'c' | 'e', string> = { a: '', b: '', c: '', e: '' };
    let draftUid = '';
    let umbrella = '';
    let component = '';
    let other = '';

    before(async () => {
      t = await createTestApp(dialect);
      const s = t.services;
      umbrella = (await makeProject(s, { name: 'Conure' })).slug;
      component = (
        await s.projects.create('system', { slug: `${umbrella}-cli`, name: 'Conure CLI', parent: umbrella })
      ).slug;
      other = (await makeProject(s, { name: 'Magpie' })).slug;
      const m = {
        [umbrella]: await makeMember(s, umbrella, 'maintainer'),
        [component]: await makeMember(s, component, 'maintainer'),
        [other]: await makeMember(s, other, 'maintainer'),
      };
      const publish = async (slug: string, c: Record<string, unknown>) => {
        const draft = await s.advisories.create(m[slug]!.actor, slug, { content: c });
        return (await s.publishing.publish(m[slug]!.actor, draft.uid)).id!;
      };
      ids.a = await publish(umbrella, content({}));
      ids.b = await publish(
        component,
        content({
          title: 'Stored XSS via <img> tags & more',
          severity: 'critical',
          cvss3Vector: null,
          cveIds: [],
          affected: [{ ecosystem: 'PyPI', name: 'conure-cli', ranges: [], versions: ['2.0.0'] }],
          credits: [{ name: 'Bob Analyst', type: 'ANALYST' }],
        }),
      );
      ids.c = await publish(
        other,
        content({
          title: 'Magpie leaks tokens',
          severity: 'low',
          cveIds: [],
          affected: [{ ecosystem: 'Go', name: 'example.org/magpie', ranges: [], versions: ['1.0.0'] }],
          credits: [],
        }),
      );
      await s.publishing.withdraw(m[other]!.actor, ids.c, { reason: 'Not a vulnerability after all.' });
      const draft = await s.advisories.create(m[umbrella]!.actor, umbrella, {
        content: content({ title: 'Secret unpublished draft', cveIds: ['CVE-2026-99999'] }),
      });
      draftUid = draft.uid;
      // Drafted from a case whose reporter asked to stay anonymous: no credit, so never in the hall of fame.
      const kase = await makeCase(s, umbrella, { creditPreference: 'anonymous', creditName: 'Anon Person' });
      const fromCase = await s.advisories.create(m[umbrella]!.actor, umbrella, { cases: [kase.id] });
      const saved = await s.advisories.update(m[umbrella]!.actor, fromCase.uid, {
        content: {
          ...fromCase.content,
          ...content({
            title: 'Archive bomb',
            severity: 'medium',
            cveIds: [],
            credits: fromCase.content.credits,
          }),
        },
        baseRevision: fromCase.revision,
      });
      ids.e = (await s.publishing.publish(m[umbrella]!.actor, saved.uid)).id!;
    });
    after(() => t.close());

    const get = (url: string) => t.app.inject({ url });

    test('the list shows published and withdrawn advisories, never drafts, and links the feed', async () => {
      const res = await get('/advisories');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'public, max-age=60');
      for (const id of Object.values(ids)) assert.ok(res.body.includes(id), `${id} listed`);
      assert.doesNotMatch(res.body, /Secret unpublished draft/);
      assert.match(res.body, /Stored XSS via &lt;img(&gt;|>) tags &amp; more/);
      assert.match(res.body, /class="badge withdrawn">Withdrawn</);
      assert.match(res.body, /<link rel="alternate" type="application\/atom\+xml" href="\/advisories\.atom"/);
      assert.match(res.body, /href="\/advisories\.atom">Atom feed</);
      assert.match(res.body, /<a href="\/advisories">Advisories<\/a>/);
      assert.match(res.body, new RegExp(`<time datetime="${year}-`));
      // Filter menus come from the facets and the project list.
      assert.match(res.body, /<option value="PyPI">PyPI<\/option>/);
      assert.match(res.body, new RegExp(`<option value="${year}">${year}</option>`));
      assert.match(res.body, new RegExp(`<option value="${component}">Conure CLI</option>`));
    });

    test('filters: severity, ecosystem, year, project (an umbrella includes its components)', async () => {
      const listed = async (query: string) => {
        const res = await get(`/advisories?${query}`);
        assert.equal(res.statusCode, 200, query);
        return Object.entries(ids)
          .filter(([, id]) => res.body.includes(`>${id}</a>`))
          .map(([k]) => k)
          .sort();
      };
      assert.deepEqual(await listed('severity=critical'), ['b']);
      assert.deepEqual(await listed('ecosystem=PyPI'), ['b']);
      assert.deepEqual(await listed('ecosystem=npm&severity=high'), ['a']);
      assert.deepEqual(await listed(`year=${year}`), ['a', 'b', 'c', 'e']);
      assert.deepEqual(await listed('year=1999'), []);
      assert.deepEqual(await listed(`project=${umbrella}`), ['a', 'b', 'e']);
      assert.deepEqual(await listed(`project=${component}`), ['b']);
      assert.deepEqual(await listed(`project=${other}`), ['c']);
      const scoped = await get(`/advisories?project=${umbrella}`);
      assert.match(scoped.body, new RegExp(`href="/p/${umbrella}/advisories\\.atom"`));
      assert.match(scoped.body, new RegExp(`<option value="${umbrella}" selected>Conure</option>`));
    });

    test('bad filters answer a 4xx page that says what is wrong', async () => {
      for (const [q, status, text] of [
        ['severity=extreme', 400, 'Unknown severity.'],
        ['year=abc', 400, 'Give a year such as 2026.'],
        ['page=0', 400, 'Give a page number such as 2.'],
        ['project=no-such-project', 404, 'There is no project with that name here.'],
      ] as const) {
        const res = await get(`/advisories?${q}`);
        assert.equal(res.statusCode, status, q);
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.ok(res.body.includes(text), `${q}: ${text}`);
        assert.notEqual(res.headers['cache-control'], 'public, max-age=60');
        assert.match(res.body, /<form method="get" action="\/advisories"/);
      }
    });

    test('the advisory page: facts, affected table, upgrade, credits, release notes and formats', async () => {
      const res = await get(`/advisories/${ids.a}`);
      assert.equal(res.statusCode, 200);
      const b = res.body;
      assert.match(b, /<h1>Path traversal in archive extraction/);
      assert.ok(b.includes('CVE-2026-10001'));
      assert.match(b, /<strong>9\.1 Critical<\/strong> <code class="vector">CVSS:3\.1\/AV:N/);
      assert.match(b, /CWE-22<\/a>: Improper Limitation of a Pathname/);
      assert.match(
        b,
        /<td>npm<\/td><td><code>conure-server<\/code><\/td><td>&lt; 1\.4\.2<\/td><td>1\.4\.2<\/td>/,
      );
      assert.match(
        b,
        /<pre class="copyable" data-copy[^>]*><code>npm install conure-server@1\.4\.2<\/code><\/pre>/,
      );
      assert.match(b, /<h4>Impact<\/h4>/, 'details rendered from Markdown');
      assert.match(b, /Ada Finder<span class="muted"> — Finder<\/span>/);
      assert.match(b, /<textarea[^>]*readonly[^>]*>### Security: Path traversal in archive extraction/);
      for (const f of ['osv.json', 'csaf.json', 'cve.json', 'release-notes.md']) {
        assert.ok(b.includes(`href="/advisories/${ids.a}/${f}"`), f);
      }
      assert.ok(b.includes('href="https://example.org/conure/commit/abc"'));
      assert.doesNotMatch(b, /This advisory was withdrawn/);
      // No CVE id, no CVE record link; the title is text, never markup.
      const noCve = await get(`/advisories/${ids.b}`);
      assert.ok(!noCve.body.includes(`/advisories/${ids.b}/cve.json`));
      assert.match(noCve.body, /<h1>Stored XSS via &lt;img(&gt;|>) tags &amp; more/);
    });

    test('a withdrawn advisory stays readable under a banner with the reason', async () => {
      const res = await get(`/advisories/${ids.c}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /This advisory was withdrawn/);
      assert.match(res.body, /Reason: Not a vulnerability after all\./);
    });

    test('machine-readable documents and release notes', async () => {
      const osv = await get(`/advisories/${ids.a}/osv.json`);
      assert.equal(osv.statusCode, 200);
      assert.match(String(osv.headers['content-type']), /^application\/json/);
      assert.equal(osv.headers['cache-control'], 'public, max-age=60');
      assert.ok(osv.json().id.endsWith(ids.a));
      const csaf = await get(`/advisories/${ids.a}/csaf.json`);
      assert.match(String(csaf.headers['content-type']), /^application\/json/);
      assert.equal(csaf.json().document.tracking.id, ids.a);
      const cve = await get(`/advisories/${ids.a}/cve.json`);
      assert.match(String(cve.headers['content-type']), /^application\/json/);
      assert.equal(cve.json().cveMetadata.cveId, 'CVE-2026-10001');
      assert.equal((await get(`/advisories/${ids.b}/cve.json`)).statusCode, 404);
      const notes = await get(`/advisories/${ids.a}/release-notes.md`);
      assert.equal(notes.headers['content-type'], 'text/markdown; charset=utf-8');
      assert.match(notes.body, /^### Security: Path traversal in archive extraction/);
      assert.match(notes.body, /fixed in 1\.4\.2/);
    });

    test('a draft answers exactly like an id that was never used', async () => {
      for (const suffix of ['', '/osv.json', '/csaf.json', '/cve.json', '/release-notes.md']) {
        const draft = await get(`/advisories/${draftUid}${suffix}`);
        const unknown = await get(`/advisories/PARLEY-2099-9999${suffix}`);
        assert.equal(draft.statusCode, 404, suffix);
        assert.equal(unknown.statusCode, 404, suffix);
        assert.equal(draft.body, unknown.body, suffix);
        assert.equal(draft.headers['content-type'], unknown.headers['content-type']);
        assert.doesNotMatch(draft.body, /Secret unpublished draft/);
      }
      const long = await get(`/advisories/${'A'.repeat(129)}`);
      assert.equal(long.statusCode, 404);
      assert.equal(long.body, (await get('/advisories/PARLEY-2099-9999')).body);
    });

    test('the Atom feed lists every public advisory; a project feed its own and its components', async () => {
      const res = await get('/advisories.atom');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
      const { titles, root } = feedEntries(res.body);
      assert.equal(titles.length, 4);
      assert.ok(titles.includes(`[HIGH] ${ids.a}: Path traversal in archive extraction`));
      // type="html": the title's markup characters arrive escaped, so readers show them as text.
      assert.ok(titles.includes(`[CRITICAL] ${ids.b}: Stored XSS via &lt;img&gt; tags &amp; more`));
      assert.ok(titles.includes(`[Withdrawn] [LOW] ${ids.c}: Magpie leaks tokens`));
      assert.ok(!titles.some((x) => x.includes('Secret unpublished draft')));
      const id = root.elements!.find((e) => e.name === 'id')!;
      assert.equal(id.elements![0]!.text, 'http://localhost:8080/advisories');
      const entry = root.elements!.find((e) => e.name === 'entry')!;
      const names = entry.elements!.map((e) => e.name);
      for (const n of ['id', 'title', 'link', 'updated', 'published', 'summary', 'content', 'author']) {
        assert.ok(names.includes(n), `entry has <${n}>`);
      }
      assert.match(res.body, new RegExp(`<id>http://localhost:8080/advisories/${ids.a}</id>`));
      assert.match(res.body, /<name>localhost<\/name>/);

      const project = await get(`/p/${umbrella}/advisories.atom`);
      assert.equal(project.statusCode, 200);
      const p = feedEntries(project.body);
      assert.equal(p.titles.length, 3);
      assert.ok(p.titles.every((x) => !x.includes(ids.c)));
      assert.equal((await get('/p/no-such-project/advisories.atom')).statusCode, 404);
    });

    test('the hall of fame names credited people and never an anonymous reporter', async () => {
      const res = await get('/hall-of-fame');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h2>Ada Finder<\/h2>/);
      assert.match(res.body, /<h2>Bob Analyst<\/h2>/);
      assert.ok(res.body.includes(`href="/advisories/${ids.a}"`));
      assert.match(res.body, /Finder\)/);
      assert.doesNotMatch(res.body, /Anon Person/);
      assert.match(res.body, /href="\/hall-of-fame"/);
    });

    test('the CSAF provider: metadata, index.txt, changes.csv, documents and hash files', async () => {
      const meta = await get('/.well-known/csaf/provider-metadata.json');
      assert.equal(meta.statusCode, 200);
      assert.match(String(meta.headers['content-type']), /^application\/json/);
      const m = meta.json();
      assert.equal(m.canonical_url, 'http://localhost:8080/.well-known/csaf/provider-metadata.json');
      assert.deepEqual(m.distributions, [{ directory_url: 'http://localhost:8080/.well-known/csaf/white/' }]);
      const path = `${year}/${csafFilename(ids.a)}`;
      const index = await get('/.well-known/csaf/white/index.txt');
      assert.match(String(index.headers['content-type']), /^text\/plain/);
      assert.ok(index.body.split('\n').includes(path));
      assert.equal(index.body.split('\n').filter(Boolean).length, 4);
      const changes = await get('/.well-known/csaf/white/changes.csv');
      assert.match(String(changes.headers['content-type']), /^text\/csv/);
      assert.match(changes.body, new RegExp(`^"${path.replace(/\./g, '\\.')}","[^"]+"$`, 'm'));
      const doc = await get(`/.well-known/csaf/white/${path}`);
      assert.equal(doc.statusCode, 200);
      assert.match(String(doc.headers['content-type']), /^application\/json/);
      assert.equal(doc.json().document.tracking.id, ids.a);
      const hash = await get(`/.well-known/csaf/white/${path}.sha256`);
      assert.equal(hash.statusCode, 200);
      const digest = crypto.createHash('sha256').update(doc.rawPayload).digest('hex');
      assert.equal(hash.body, `${digest}  ${csafFilename(ids.a)}\n`);
      const listing = await get('/.well-known/csaf/white/');
      assert.ok(listing.body.includes(`href="${year}/"`));
      const yearListing = await get(`/.well-known/csaf/white/${year}/`);
      assert.ok(yearListing.body.includes(`href="${csafFilename(ids.a)}.sha256"`));
      for (const bad of [
        `${year}/UPPER.json`,
        `26/${csafFilename(ids.a)}`,
        `${year}/x.txt`,
        '1999/parley-1999-0001.json',
      ]) {
        assert.equal((await get(`/.well-known/csaf/white/${bad}`)).statusCode, 404, bad);
      }
    });

    test('security.txt points at the hall of fame and the CSAF provider', async () => {
      for (const url of [`/p/${umbrella}/security.txt`, '/.well-known/security.txt']) {
        const txt = (await get(url)).body;
        assert.match(txt, /^Acknowledgments: http:\/\/localhost:8080\/hall-of-fame$/m, url);
        assert.match(
          txt,
          /^CSAF: http:\/\/localhost:8080\/\.well-known\/csaf\/provider-metadata\.json$/m,
          url,
        );
      }
    });

    test('a signed-in user gets the pages privately: no shared caching', async () => {
      const member = await makeMember(t.services, umbrella, 'responder');
      const client = new PageClient(t.app);
      await client.login(member.email, PASSWORD);
      for (const url of ['/advisories', `/advisories/${ids.a}`, '/hall-of-fame']) {
        const res = await client.get(url);
        assert.equal(res.statusCode, 200, url);
        assert.equal(res.headers['cache-control'], 'no-store', url);
      }
      const anon = await get(`/advisories/${ids.a}`);
      assert.equal(anon.headers['cache-control'], 'public, max-age=60');
      assert.equal(anon.headers['set-cookie'], undefined, 'no cookie on a shareable page');
    });
  });
}
