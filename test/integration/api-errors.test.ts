// Bad request bodies on the /api/v1 write routes (intake, message, transition, PATCH), part 1: malformed
// JSON, wrong content types, missing and over-long fields, bodies over 1 MiB. Each answer is RFC 9457
// problem+json with type/title/status, never a 5xx, and nothing is stored. Part 2: api-errors-fields.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { reportInput } from '../helpers/factories.ts';
import {
  assertFieldErrors,
  assertProblem,
  rowCounts,
  writeRoutes,
  type Call,
  apiWorld,
  type ApiWorld,
} from '../helpers/api.ts';

type World = ApiWorld['w'];

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

    it('malformed JSON → 400 bad-request', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      for (const r of routes()) {
        for (const raw of [
          '{"title":',
          '{title: "x"}',
          "{'to':'new'}",
          '{"a":1,}',
          'nul',
          '{"a":1}{"b":2}',
          '\u0000',
          '{"__proto__":{"x":1}}',
        ]) {
          const res = await call(r.method, r.url, {
            token: r.token,
            raw,
            headers: { 'content-type': 'application/json' },
          });
          assertProblem(res, 400, 'bad-request');
        }
        assertProblem(
          await call(r.method, r.url, {
            token: r.token,
            raw: '',
            headers: { 'content-type': 'application/json' },
          }),
          400,
          'bad-request',
        );
      }
      assert.deepEqual(await rowCounts(t.tdb.handle.db), start);
    });

    it('non-JSON content types are refused', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      for (const r of routes()) {
        const multipart =
          '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello there\r\n--x--\r\n';
        const mp = await call(r.method, r.url, {
          token: r.token,
          raw: multipart,
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
        });
        assertProblem(mp, 415, 'unsupported-media-type');
        for (const ct of ['application/xml', 'application/vnd.api+json', 'image/png', ';;=']) {
          assertProblem(
            await call(r.method, r.url, {
              token: r.token,
              raw: JSON.stringify(r.valid),
              headers: { 'content-type': ct },
            }),
            415,
            'unsupported-media-type',
          );
        }
        // text/plain has no parser: the API takes JSON only, and says so.
        assertProblem(
          await call(r.method, r.url, {
            token: r.token,
            raw: JSON.stringify(r.valid),
            headers: { 'content-type': 'text/plain' },
          }),
          415,
          'unsupported-media-type',
        );
        // No body at all is the same: not an object.
        assertFieldErrors(await call(r.method, r.url, { token: r.token }), ['body']);
      }
      assert.deepEqual(await rowCounts(t.tdb.handle.db), start);
    });

    it('missing fields → 422 naming every missing field', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      const nothing = await call('POST', intake, { body: {} });
      const p = assertFieldErrors(nothing, [
        'title',
        'description',
        'stepsToReproduce',
        'impact',
        'affectedVersions',
      ]);
      assert.equal(p.errors.length, 5);
      const { title: _t, impact: _i, ...partial } = reportInput();
      assertFieldErrors(await call('POST', intake, { body: partial }), ['title', 'impact']);
      const [, message, transition, patch] = routes();
      assertFieldErrors(await call('POST', message!.url, { token: team, body: {} }), ['body']);
      assertFieldErrors(await call('POST', message!.url, { token: team, body: { internal: true } }), [
        'body',
      ]);
      assertFieldErrors(await call('POST', transition!.url, { token: team, body: { resolution: 'spam' } }), [
        'to',
      ]);
      assertFieldErrors(await call('PATCH', patch!.url, { token: team, body: {} }), ['body']);
      // Present but empty is the services' check, with the same answer shape.
      const blank = await call('POST', intake, {
        body: reportInput({ title: ' ', description: '', impact: '\n' }),
      });
      assertFieldErrors(blank, ['title', 'description', 'impact']);
      assert.deepEqual(await rowCounts(t.tdb.handle.db), start);
    });

    it('over-long fields → 422 naming the field', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      const limits: Record<string, number> = {
        title: 200,
        description: 50_000,
        stepsToReproduce: 50_000,
        impact: 20_000,
        affectedVersions: 1_000,
        suggestedFix: 20_000,
        creditName: 100,
      };
      for (const [field, max] of Object.entries(limits)) {
        assertFieldErrors(
          await call('POST', intake, { body: reportInput({ [field]: 'x'.repeat(max + 1) }) }),
          [field],
        );
      }
      assertFieldErrors(
        await call('POST', intake, {
          body: reportInput({ reporterEmail: `${'a'.repeat(250)}@example.org` }),
        }),
        ['reporterEmail'],
      );
      const [, message, transition, patch] = routes();
      assertFieldErrors(
        await call('POST', message!.url, { token: team, body: { body: 'x'.repeat(50_001) } }),
        ['body'],
      );
      assertFieldErrors(
        await call('POST', transition!.url, {
          token: team,
          body: { to: 'closed', resolution: 'duplicate', duplicateOf: 'X'.repeat(41) },
        }),
        ['duplicateOf'],
      );
      assertFieldErrors(await call('PATCH', patch!.url, { token: team, body: { title: 't'.repeat(201) } }), [
        'title',
      ]);
      assertFieldErrors(
        await call('PATCH', patch!.url, { token: team, body: { assigneeId: 'u'.repeat(37) } }),
        ['assigneeId'],
      );
      assertFieldErrors(
        await call('PATCH', patch!.url, {
          token: w.caseA.accessToken,
          body: { creditPreference: 'name', creditName: 'n'.repeat(101) },
        }),
        ['creditName'],
      );
      // Exactly at the limit is fine.
      const atLimit = await call('POST', intake, {
        body: reportInput({ title: 't'.repeat(200), description: 'd'.repeat(50_000) }),
      });
      assert.equal(atLimit.status, 201, atLimit.body);
      assert.equal((await rowCounts(t.tdb.handle.db)).cases, start.cases + 1);
    });

    it('bodies over 1 MiB → 413 payload-too-large', async () => {
      const start = await rowCounts(t.tdb.handle.db);
      for (const r of routes()) {
        const huge = JSON.stringify({ ...r.valid, padding: 'x'.repeat(1024 * 1024) });
        assertProblem(
          await call(r.method, r.url, {
            token: r.token,
            raw: huge,
            headers: { 'content-type': 'application/json' },
          }),
          413,
          'payload-too-large',
        );
        const wrongType = await call(r.method, r.url, {
          token: r.token,
          raw: 'y'.repeat(1024 * 1024 + 1),
          headers: { 'content-type': 'text/plain' },
        });
        // The media type is refused before the body is read.
        assertProblem(wrongType, 415, 'unsupported-media-type');
      }
      // Just under the limit is parsed (and then judged on its fields).
      const near = JSON.stringify(reportInput({ description: 'd'.repeat(1024 * 1024 - 1000) }));
      assert.ok(near.length < 1024 * 1024);
      assertFieldErrors(
        await call('POST', intake, { raw: near, headers: { 'content-type': 'application/json' } }),
        ['description'],
      );
      assert.deepEqual(await rowCounts(t.tdb.handle.db), start);
    });
  });
}
