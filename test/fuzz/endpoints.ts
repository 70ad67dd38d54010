// Endpoint fuzzing through app.inject(): every registered route (app.parley.routes) gets generated
// requests — path parameters (the fixture's real values or hostile text), query strings, bodies (JSON
// shaped by the route's schema with hostile leaves, random JSON, hostile JSON text, urlencoded forms
// with and without a valid CSRF token), extra headers — as anonymous, as the reporter of a case (its
// case token) and as the project's maintainer (personal token / session). Properties per request: no
// 5xx, inject never throws, an answer within the time bound, and on /api and /v1 every 4xx is
// application/problem+json with `type`, `title` and a `status` equal to the HTTP status.
// Used by test/integration/fuzz-endpoints.test.ts (a fixed-seed share) and bench/fuzz.ts (≥ 100k).
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { TestApp } from '../helpers/app.ts';
import { buildWorld, type MatrixWorld } from '../helpers/access-matrix-world.ts';
import { isApiPath } from '../../src/http/plugins/problem.ts';
import {
  formEntries,
  fromSchema,
  hostileAuthorization,
  hostileHeaders,
  hostileJson,
  hostileJsonText,
  hostileString,
  queryString,
} from './arbitraries.ts';
import { runTarget, type TargetResult } from './runner.ts';

export type FuzzRole = 'anonymous' | 'reporter' | 'team' | 'admin';

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; text: string; contentType: string }
  | { kind: 'form'; entries: [string, string][]; csrf: 'valid' | 'none' | 'bogus' };

export interface FuzzRequest {
  role: FuzzRole;
  params: Record<string, string>;
  /** Path parameters put in as they are (percent garbage, dots) rather than percent-encoded. */
  rawParams: boolean;
  query: string;
  body: Body;
  headers: Record<string, string>;
  /** A hostile Authorization header instead of the role's. */
  badAuth: string | null;
}

interface Route {
  method: string;
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  schema?: any;
}

/** Field names of every form in the pages (read from the page sources), for urlencoded bodies. */
function formFieldNames(): string[] {
  const dir = path.join(import.meta.dirname, '../../src/http/pages');
  const names = new Set<string>();
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    if (!/\.tsx?$/.test(f)) continue;
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/name="([A-Za-z_][\w.[\]-]*)"/g))
      names.add(m[1]!);
  }
  names.delete('_csrf');
  return [...names].sort();
}

/** Requests that would end the team's own session: sent without it (its cookie stays valid). */
const SPENDS_SESSION = new Set([
  'POST /logout',
  'POST /login/second-factor/cancel',
  'POST /account/security/sessions/revoke-others',
  'POST /account/security/sessions/:handle/revoke',
]);

export interface EndpointWorld {
  t: TestApp;
  w: MatrixWorld;
  fields: string[];
  /** Real values for path parameters, by name. */
  values: Record<string, string[]>;
}

export async function endpointWorld(t: TestApp): Promise<EndpointWorld> {
  const w = await buildWorld(t);
  const [year, file] = w.csaf.split('/');
  const values: Record<string, string[]> = {
    slug: [w.P.slug, w.other.slug],
    key: [w.caseA.key, w.caseB.key],
    id: [w.caseA.id, w.hook, w.published.id ?? w.published.uid],
    ref: [w.draft.uid, w.published.uid, w.published.id ?? w.published.uid],
    uid: [w.draft.uid, w.published.uid],
    token: [w.caseA.accessToken],
    format: ['osv', 'csaf', 'cve', 'markdown', 'xml'],
    userId: [w.users.collaborator.user.id, w.users.maintainer.user.id],
    delivery: [w.delivery],
    year: [year!],
    file: [file!],
    '*': ['parley.css', '../package.json', '%2e%2e/%2e%2e/package.json'],
  };
  return { t, w, fields: formFieldNames(), values };
}

function paramNames(url: string): string[] {
  return (url.match(/:\w+|\*/g) ?? []).map((m) => (m === '*' ? '*' : m.slice(1)));
}

/** The arbitrary of requests to one route. */
export function requestArbitrary(fw: EndpointWorld, route: Route): fc.Arbitrary<FuzzRequest> {
  const api = isApiPath(route.url);
  const names = paramNames(route.url);
  const paramArb = fc.record(
    Object.fromEntries(
      names.map((n) => {
        const real = fw.values[n] ?? [];
        const hostile = hostileString({ huge: false, maxLength: 30 });
        return [
          n,
          real.length
            ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, { weight: 2, arbitrary: hostile })
            : hostile,
        ];
      }),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const write = route.method !== 'GET' && route.method !== 'HEAD';
  const bodySchema = route.schema?.body;
  let body: fc.Arbitrary<Body>;
  // Very deep JSON under one of the schema's own keys, so it gets past the parser to what walks it.
  const keys = Object.keys(bodySchema?.properties ?? {});
  const deepInShape = fc
    .tuple(
      fc.constantFrom(...(keys.length ? keys : ['x'])),
      fc.integer({ min: 1000, max: 200_000 }),
      fc.boolean(),
    )
    .map(
      ([k, n, arrays]) =>
        `{"${k}":[${arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)}]}`,
    );
  const raw = (contentType: fc.Arbitrary<string>): fc.Arbitrary<Body> =>
    fc.record({
      kind: fc.constant('raw' as const),
      text: fc.oneof({ weight: 3, arbitrary: hostileJsonText }, { weight: 1, arbitrary: deepInShape }),
      contentType,
    });
  const json = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
    value.map((v) => ({ kind: 'json' as const, value: v }));
  const form: fc.Arbitrary<Body> = fc.record({
    kind: fc.constant('form' as const),
    entries: formEntries(fw.fields),
    csrf: fc.constantFrom<('valid' | 'none' | 'bogus')[]>('valid', 'valid', 'valid', 'none', 'bogus'),
  });
  if (!write) body = fc.constant({ kind: 'none' });
  else if (api)
    body = fc.oneof(
      { weight: 6, arbitrary: json(bodySchema ? fromSchema(bodySchema) : hostileJson()) },
      { weight: 2, arbitrary: json(hostileJson()) },
      {
        weight: 2,
        arbitrary: raw(
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-16',
            'application/x-www-form-urlencoded',
            'text/plain',
            'multipart/form-data; boundary=x',
            'application/xml',
          ),
        ),
      },
      { weight: 1, arbitrary: form },
      { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    );
  else
    body = fc.oneof(
      { weight: 8, arbitrary: form },
      { weight: 1, arbitrary: raw(fc.constantFrom('application/x-www-form-urlencoded', 'application/json')) },
      { weight: 1, arbitrary: json(hostileJson(fw.fields)) },
    );
  const roles: FuzzRole[] = SPENDS_SESSION.has(`${route.method} ${route.url}`)
    ? ['anonymous', 'reporter']
    : ['anonymous', 'reporter', 'team', 'team', 'admin'];
  return fc.record({
    role: fc.constantFrom(...roles),
    params: paramArb,
    rawParams: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    query: fc.oneof(
      { weight: 3, arbitrary: fc.constant('') },
      { weight: 2, arbitrary: queryString(route.schema?.querystring) },
    ),
    body,
    headers: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: hostileHeaders }),
    badAuth: fc.option(hostileAuthorization, { freq: 10 }),
  });
}

/**
 * Percent-encodes text, lone surrogates included (as their WTF-8 bytes, which are not valid UTF-8:
 * the server must refuse them, not choke on them). `keep` leaves printable ASCII but ?, # as is.
 */
export function encodePart(v: string, keep = false): string {
  let out = '';
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff)
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else if (keep && c > 0x20 && c < 0x7f && ch !== '?' && ch !== '#') out += ch;
    else out += encodeURIComponent(ch);
  }
  return out;
}

function fillPath(url: string, req: FuzzRequest): string {
  // Raw: as a careless client would send it, only what would end the path escaped.
  return url.replace(/:\w+|\*/g, (m) =>
    encodePart(req.params[m === '*' ? '*' : m.slice(1)] ?? '', req.rawParams),
  );
}

export interface InjectArgs {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** The request as app.inject() takes it, with the role's credentials. */
export function toInject(fw: EndpointWorld, route: Route, req: FuzzRequest): InjectArgs {
  const { w } = fw;
  const api = isApiPath(route.url);
  const headers: Record<string, string> = { ...req.headers };
  const page =
    req.role === 'team' ? w.pages.maintainer : req.role === 'admin' ? w.pages.admin : w.pages.anonymous;
  if (api) {
    const bearer =
      req.role === 'reporter'
        ? w.caseA.accessToken
        : req.role === 'team'
          ? w.pats.maintainer
          : req.role === 'admin'
            ? w.pats.admin
            : undefined;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
  } else headers.cookie = page.cookie;
  if (req.badAuth !== null) headers.authorization = req.badAuth;
  let payload: string | undefined;
  const b = req.body;
  if (b.kind === 'json') {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(b.value) ?? 'null';
  } else if (b.kind === 'raw') {
    headers['content-type'] = b.contentType;
    payload = b.text;
  } else if (b.kind === 'form') {
    const entries = [...b.entries];
    if (b.csrf === 'valid') entries.push(['_csrf', page.csrf]);
    if (b.csrf === 'bogus') entries.push(['_csrf', 'x'.repeat(40)]);
    headers['content-type'] = 'application/x-www-form-urlencoded';
    // URLSearchParams turns lone surrogates into U+FFFD; forms on the wire do the same.
    payload = new URLSearchParams(entries).toString();
  }
  return {
    method: route.method,
    url: fillPath(route.url, req) + req.query,
    headers,
    ...(payload !== undefined ? { payload } : {}),
  };
}

/** Why an answer breaks the properties, or undefined. */
export function judgeAnswer(
  url: string,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
): string | undefined {
  const s = res.statusCode;
  if (s >= 500) return `server error ${s}: ${res.body.slice(0, 300)}`;
  if (!isApiPath(url) || s < 400) return undefined;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) return `${s} is not problem+json but ${type}`;
  let p: { type?: unknown; title?: unknown; status?: unknown };
  try {
    p = JSON.parse(res.body);
  } catch {
    return `${s} problem body is not JSON`;
  }
  if (typeof p.type !== 'string' || !/^urn:parley:problem:[a-z0-9-]+$/.test(p.type))
    return `bad problem type ${String(p.type)}`;
  if (typeof p.title !== 'string' || !p.title) return 'problem without a title';
  if (p.status !== s) return `problem status ${String(p.status)} ≠ HTTP ${s}`;
  return undefined;
}

/** Undo what a successful fuzzed write could do to the fixture that later routes rely on. */
async function heal(fw: EndpointWorld) {
  await fw.t.tdb.handle.db.updateTable('projects').set({ require_2fa: 0 }).execute();
}

export interface EndpointRunOptions {
  seed: number;
  runsPerRoute: number;
  timeoutMs: number;
  /** Only routes whose "METHOD /url" includes this text. */
  only?: string | undefined;
  /** Replay one counterexample path (with `only` naming its route). */
  path?: string | undefined;
  statuses?: Map<number, number>;
}

/** Fuzzes every route (or those matching `only`); one result per route. */
export async function fuzzEndpoints(fw: EndpointWorld, opts: EndpointRunOptions): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  for (const route of fw.t.app.parley.routes) {
    const name = `${route.method} ${route.url}`;
    if (opts.only && !name.includes(opts.only)) continue;
    const arb = requestArbitrary(fw, route);
    const result = await runTarget(`endpoint ${name}`, arb, opts, async (req) => {
      const args = toInject(fw, route, req);
      const res = await fw.t.app.inject(args as InjectOptions);
      opts.statuses?.set(res.statusCode, (opts.statuses.get(res.statusCode) ?? 0) + 1);
      const why = judgeAnswer(route.url, res);
      if (why) throw new Error(`${args.method} ${args.url.slice(0, 300)} → ${why}`);
    });
    results.push(result);
    await heal(fw);
  }
  return results;
}
