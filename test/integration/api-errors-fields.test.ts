// Bad request bodies on the /api/v1 write routes, part 2: unknown extra properties, wrong JSON types
// for every field, NUL characters in strings, keys and URLs. Each answer is a 422 problem naming the
// field, never a 5xx, and nothing is stored or changed. Part 1: api-errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { reportInput } from '../helpers/factories.ts';
import {
  assertFieldErrors,
  rowCounts,
  writeRoutes,
  type Call,
  apiWorld,
  type ApiWorld,
} from '../helpers/api.ts';

type World = ApiWorld['w'];

/** Values of the wrong JSON type for a field; `null` is left out where the schema allows it. */
const WRONG = (nullable: boolean): unknown[] => [
  42,
  0,
  true,
  [],
  ['text'],
  {},
  { a: 'b' },
  ...(nullable ? [] : [null]),
];

for (const dialect of dialects()) {
  describe(dialect, () => {
    let t: TestApp;
    let w: World;
    let call: Call;
    let team: string;
    let intake: string;
    const routes = () => writeRoutes(w.project.slug, w.caseA.id, team, reportInput());

    before(async () => {
      let pats: ApiWorld['pats'];
      ({ t, w, call, pats } = await apiWorld(dialect));
      team = pats.maintainer;
      intake = `/api/v1/projects/${w.project.slug}/reports`;
    });
    after(() => t.close());

    it('unknown extra properties → 422 naming them, nothing changed', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      for (const r of routes()) {
        for (const extra of [
          { isAdmin: true },
          { state: 'closed' },
          { projectId: w.other.slug },
          { '': 1 },
        ]) {
          const res = await call(r.method, r.url, { token: r.token, body: { ...r.valid, ...extra } });
          assertFieldErrors(res, Object.keys(extra));
        }
      }
      // PATCH with only a misspelt field must not be a silent no-op.
      assertFieldErrors(
        await call('PATCH', `/api/v1/reports/${w.caseA.id}`, { token: team, body: { sevrity: 'high' } }),
        ['sevrity'],
      );
      assert.deepEqual(await rowCounts(t.tdb.handle.db), start);
      const a = (await call('GET', `/api/v1/reports/${w.caseA.id}`, { token: team })).json;
      assert.equal(a.state, 'new');
      assert.equal(a.title, reportInput().title);
    });

    it('wrong JSON types for every field → 422 naming that field', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      const fields: Array<{
        route: string;
        field: string;
        nullable: boolean;
        bools?: boolean;
        token?: string;
      }> = [
        ...['title', 'description', 'stepsToReproduce', 'impact', 'affectedVersions', 'creditPreference'].map(
          (field) => ({ route: 'intake', field, nullable: false }),
        ),
        ...['suggestedFix', 'reporterEmail', 'creditName'].map((field) => ({
          route: 'intake',
          field,
          nullable: true,
        })),
        { route: 'message', field: 'body', nullable: false },
        { route: 'message', field: 'internal', nullable: false, bools: true },
        ...['to', 'resolution', 'severity', 'duplicateOf'].map((field) => ({
          route: 'transition',
          field,
          nullable: false,
        })),
        { route: 'patch', field: 'title', nullable: false },
        { route: 'patch', field: 'severity', nullable: true },
        { route: 'patch', field: 'assigneeId', nullable: true },
        { route: 'patch', field: 'needsInfo', nullable: false, bools: true },
        { route: 'patch', field: 'reporterEmail', nullable: true, token: w.caseA.accessToken },
        { route: 'patch', field: 'creditPreference', nullable: false, token: w.caseA.accessToken },
        { route: 'patch', field: 'creditName', nullable: true, token: w.caseA.accessToken },
      ];
      for (const f of fields) {
        const r = routes().find((x) => x.name === f.route)!;
        // Booleans do not take their string or number spellings either: the body is JSON, not a form.
        const values = f.bools ? [42, 1, 'true', 'on', [], [true], {}, null] : WRONG(f.nullable);
        for (const v of values) {
          const res = await call(r.method, r.url, {
            token: f.token ?? r.token,
            body: { ...r.valid, [f.field]: v },
          });
          assertFieldErrors(res, [f.field]);
        }
      }
      assert.deepEqual(await rowCounts(t.tdb.handle.db), start);
    });

    it('NUL characters in strings, keys and the URL → 422, never stored', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      for (const field of [
        'title',
        'description',
        'stepsToReproduce',
        'impact',
        'affectedVersions',
        'suggestedFix',
        'reporterEmail',
        'creditName',
      ]) {
        assertFieldErrors(
          await call('POST', intake, { body: reportInput({ [field]: `before\u0000after text` }) }),
          [field],
        );
      }
      assertFieldErrors(await call('POST', intake, { body: { ...reportInput(), 'ti\u0000tle': 'x' } }), [
        'body',
      ]);
      const [, message, transition, patch] = routes();
      assertFieldErrors(await call('POST', message!.url, { token: team, body: { body: 'hi\u0000' } }), [
        'body',
      ]);
      assertFieldErrors(
        await call('POST', message!.url, { token: w.caseA.accessToken, body: { body: '\u0000' } }),
        ['body'],
      );
      assertFieldErrors(
        await call('POST', transition!.url, {
          token: team,
          body: { to: 'closed', resolution: 'duplicate', duplicateOf: 'A\u0000-1' },
        }),
        ['duplicateOf'],
      );
      assertFieldErrors(
        await call('PATCH', patch!.url, { token: team, body: { title: 'Nul \u0000 title' } }),
        ['title'],
      );
      const inUrl = [
        await call('GET', `/api/v1/reports/${w.caseA.id}%00`, { token: team }),
        await call('GET', '/api/v1/reports/%00', { token: team }),
        await call('POST', `/api/v1/reports/${w.caseA.id}%00/messages`, {
          token: team,
          body: { body: 'hi' },
        }),
        await call('POST', `/api/v1/projects/${w.project.slug}%00/reports`, { body: reportInput() }),
      ];
      for (const res of inUrl) assertFieldErrors(res, ['url']);
      assertFieldErrors(await call('GET', '/api/v1/reports?project=a%00b', { token: team }), ['url']);
      assert.deepEqual(await rowCounts(t.tdb.handle.db), start);
    });
  });
}
