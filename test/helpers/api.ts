// Helpers for JSON API tests over app.inject(): one call shape, personal tokens for world users,
// and the RFC 9457 problem checks every error answer must pass.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/schema.ts';
import type { Services } from '../../src/services/index.ts';
import type { Dialect } from '../../src/storage/db.ts';
import { createTestApp } from './app.ts';
import { makeWorld } from './factories.ts';

// Answers are parsed JSON whose shape each test asserts field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: Json;
}

export interface CallOptions {
  token?: string | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (with `headers` naming its content type). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export type Call = (method: string, url: string, opts?: CallOptions) => Promise<ApiResponse>;

export function apiClient(app: FastifyInstance): Call {
  return async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | Buffer | undefined = opts.raw;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    let json: Json = undefined;
    try {
      json = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: res.body, json };
  };
}

/** A personal API token for the account with this e-mail. */
export async function patFor(services: Services, email: string): Promise<string> {
  return (await services.auth.createApiToken(email, 'test')).token;
}

/** Asserts an RFC 9457 problem answer with this status (and problem code), and returns it. */
export function assertProblem(res: ApiResponse, status: number, code?: string): Json {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.body.slice(0, 500)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const p = res.json;
  assert.ok(p && typeof p === 'object', 'problem body is a JSON object');
  assert.match(p.type, /^urn:parley:problem:[a-z][a-z-]*$/);
  assert.equal(typeof p.title, 'string');
  assert.ok(p.title.length > 0);
  assert.equal(p.status, status);
  if (code !== undefined) assert.equal(p.type, `urn:parley:problem:${code}`);
  return p;
}

/** Asserts a 422 whose errors[] names exactly these fields (in any order, each at least once). */
export function assertFieldErrors(res: ApiResponse, fields: string[]): Json {
  const p = assertProblem(res, 422, 'validation-error');
  assert.ok(Array.isArray(p.errors), 'errors[] present');
  const named = new Set(p.errors.map((e: { field: string }) => e.field));
  assert.deepEqual([...named].sort(), [...fields].sort());
  for (const e of p.errors) assert.equal(typeof e.message, 'string');
  return p;
}

export interface WriteRoute {
  name: 'intake' | 'message' | 'transition' | 'patch';
  method: string;
  url: string;
  token: string | undefined;
  valid: Record<string, unknown>;
}

/** The /api/v1 write routes against one case, each with a valid body and a token that may use it. */
export function writeRoutes(
  slug: string,
  caseId: string,
  teamToken: string,
  validReport: Record<string, unknown>,
): WriteRoute[] {
  return [
    {
      name: 'intake',
      method: 'POST',
      url: `/api/v1/projects/${slug}/reports`,
      token: undefined,
      valid: validReport,
    },
    {
      name: 'message',
      method: 'POST',
      url: `/api/v1/reports/${caseId}/messages`,
      token: teamToken,
      valid: { body: 'Hello' },
    },
    {
      name: 'transition',
      method: 'POST',
      url: `/api/v1/reports/${caseId}/transition`,
      token: teamToken,
      valid: { to: 'acknowledged' },
    },
    {
      name: 'patch',
      method: 'PATCH',
      url: `/api/v1/reports/${caseId}`,
      token: teamToken,
      valid: { title: 'A better title' },
    },
  ];
}

/** Row counts of the case tables, to show that a refused request stored nothing. */
export async function rowCounts(db: Kysely<Database>) {
  const n = async (table: 'cases' | 'messages' | 'case_events') =>
    (await db.selectFrom(table).select('id').execute()).length;
  return { cases: await n('cases'), messages: await n('messages'), events: await n('case_events') };
}

export type ApiWorld = Awaited<ReturnType<typeof apiWorld>>;

/**
 * The usual API test setup: a real app on `dialect`, makeWorld's projects, team and cases, an API client,
 * and a personal token for each team role. The caller closes `t`.
 */
export async function apiWorld(dialect: Dialect) {
  const t = await createTestApp(dialect);
  const w = await makeWorld(t.services);
  const call = apiClient(t.app);
  const pats = {} as Record<'outsider' | 'responder' | 'maintainer' | 'admin', string>;
  for (const r of ['outsider', 'responder', 'maintainer', 'admin'] as const)
    pats[r] = await patFor(t.services, w[r].email);
  return { t, w, call, pats };
}
