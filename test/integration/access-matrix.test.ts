// The access matrix: every route of the app (pages and API, as registered: app.parley.routes) against
// every role — anonymous, reporter A (of the target case A), reporter B (of case B, same project), a
// collaborator and a party contact of case B, a responder of another project, the maintainer, an
// admin — on SQLite and PostgreSQL.
//
// How it works (rules in test/helpers/access-matrix.ts, table in access-matrix-routes.ts, fixture in
// access-matrix-world.ts):
// - Each route has an audience class; a route without one fails the first test, by name.
// - Pages are asked with the role's session cookie (and a valid CSRF token on posts), the API with the
//   role's bearer (a personal token with every scope, or the reporter's case token), anonymous with
//   nothing. Writes carry an empty form or the smallest body the route's schema accepts: schema
//   validation runs before the access check, so an empty JSON body would only ever get a 422.
// - Reads use the fixture. Writes get throwaway resources in a fresh project (one set shared by the
//   roles that are refused, one per role that is allowed), so an allowed write (a delete, a publish, a
//   sign-out) changes nothing a later cell relies on.
// - Allowed: no 401/403/404, no redirect to sign in, no 5xx (a 422 for an empty write is fine: the
//   request got past the access check). Refused: a read is a 404, as for something that does not
//   exist — except on routes that name no private resource (the inbox, admin pages: 401/403 too); an
//   anonymous caller may be sent to sign in (303 to /login, or 401 on the API); a write gets
//   401/403/404. Never a 2xx.
// - No leaks: whatever the status, an answer to a role never holds the title or description of a
//   case, or the title of an unpublished advisory, that the role may not see.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { FastifySchema } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import {
  ACCOUNTS,
  ROLES,
  allowed,
  judge,
  leaks,
  minimalBody,
  specsOf,
  type RouteSpec,
  type Answer,
  type Role,
} from '../helpers/access-matrix.ts';
import { ROUTES } from '../helpers/access-matrix-routes.ts';
import { buildWorld, type MatrixWorld } from '../helpers/access-matrix-world.ts';
import { Scope, param } from '../helpers/access-matrix-scope.ts';
import { isApiPath } from '../../src/http/plugins/problem.ts';

async function ask(
  t: TestApp,
  w: MatrixWorld,
  s: Scope,
  route: { method: string; url: string; schema?: FastifySchema | undefined },
  spec: RouteSpec,
  role: Role,
): Promise<Answer> {
  await spec.prepare?.(s);
  let path = route.url;
  for (const m of route.url.match(/:\w+|\*/g) ?? []) {
    const name = m === '*' ? '*' : m.slice(1);
    const value = spec.params?.[name] ? await spec.params[name](s) : await param(name, route.url, s, role);
    path = path.replace(m, encodeURIComponent(value));
  }
  const method = route.method as 'GET';
  let res;
  if (isApiPath(route.url)) {
    const body = spec.body
      ? await spec.body(s)
      : route.schema?.body
        ? minimalBody(route.schema.body)
        : undefined;
    const bearer = role === 'reporterA' ? s.reporterAToken() : w.pats[role];
    const headers: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    res = await t.app.inject({
      method,
      url: path,
      headers,
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  } else {
    const cred =
      spec.spendsSession && ACCOUNTS.includes(role) ? await s.throwawaySession(role) : w.pages[role];
    const headers: Record<string, string> = { cookie: cred.cookie };
    let payload: string | undefined;
    if (method !== 'GET') {
      const fields = Object.entries({ ...(spec.body ? await spec.body(s) : {}), _csrf: cred.csrf });
      payload = new URLSearchParams(fields.map(([k, v]) => [k, String(v)])).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    res = await t.app.inject({ method, url: path, headers, ...(payload !== undefined ? { payload } : {}) });
  }
  const location = res.headers.location;
  return {
    status: res.statusCode,
    location: location === undefined ? undefined : String(location),
    body: res.body,
  };
}

for (const dialect of dialects()) {
  describe(`access matrix (${dialect})`, () => {
    let t: TestApp;
    let w: MatrixWorld;
    before(async () => {
      t = await createTestApp(dialect);
      w = await buildWorld(t);
    });
    after(() => t.close());

    test('every route has an audience class, and every class entry a route', () => {
      const registered = t.app.parley.routes.map((r) => `${r.method} ${r.url}`);
      const missing = registered.filter((r) => !(r in ROUTES));
      assert.deepEqual(
        missing,
        [],
        `routes without an audience class: add them to test/helpers/access-matrix-routes.ts:\n  ${missing.join('\n  ')}`,
      );
      const stale = Object.keys(ROUTES).filter((k) => !registered.includes(k));
      assert.deepEqual(stale, [], 'entries of access-matrix-routes.ts for routes that no longer exist');
    });

    test('every route × every role: allowed or refused as its class says, and no leaks', async () => {
      const started = Date.now();
      const wrong: string[] = [];
      const leaked: string[] = [];
      const seen = new Set<string>();
      let cells = 0;
      let requests = 0;
      const routes = t.app.parley.routes.filter((r) => `${r.method} ${r.url}` in ROUTES);
      for (const route of routes) {
        for (const spec of specsOf(ROUTES[`${route.method} ${route.url}`]!)) {
          requests++;
          const write = route.method !== 'GET';
          const shared = new Scope(w, write);
          for (const role of ROLES) {
            const s = write && allowed(spec.class, role, spec.owner) ? new Scope(w, true) : shared;
            const name = `${route.method} ${route.url} as ${role} (${spec.class})`;
            cells++;
            let res: Answer;
            const t0 = Date.now();
            try {
              res = await ask(t, w, s, route, spec, role);
            } catch (e) {
              wrong.push(`${name}: could not be asked: ${(e as Error).message}`);
              continue;
            }
            // MATRIX_DUMP=<file> lists every cell and its answer, to review the whole matrix by eye.
            if (process.env.MATRIX_DUMP)
              fs.appendFileSync(
                process.env.MATRIX_DUMP,
                `${dialect} ${res.status} ${name} ${res.location ?? ''} ${Date.now() - t0}ms\n`,
              );
            const why = judge(route.method, route.url, spec.class, role, res, spec.owner);
            if (why) wrong.push(`${name}: ${why}${res.location ? ` (location ${res.location})` : ''}`);
            for (const what of leaks(res, role, [...w.canaries, ...s.canaries]))
              leaked.push(`${name}: the answer (${res.status}) holds the ${what}`);
            for (const c of w.canaries)
              if (c.entitled.includes(role) && res.body.includes(c.text)) seen.add(c.what);
            if (spec.effect) {
              const should = allowed(spec.effect.class, role);
              if ((await spec.effect.changed(s)) !== should)
                wrong.push(`${name}: the case was ${should ? 'not ' : ''}changed (${spec.effect.class})`);
            }
          }
        }
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `access matrix (${dialect}): ${routes.length} routes (${requests} with variants) × ${ROLES.length} roles = ${cells} cells, ${leaked.length} leaks, ${wrong.length} wrong answers, ${seconds} s`,
      );
      // The leak check means something only if the canaries do show where they are allowed.
      assert.deepEqual(
        [...seen].sort(),
        w.canaries.map((c) => c.what).sort(),
        'every canary seen by its audience',
      );
      assert.deepEqual(leaked, [], 'leaks');
      assert.deepEqual(wrong, [], 'wrong answers');
    });
  });
}
