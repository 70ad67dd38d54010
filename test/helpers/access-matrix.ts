// The access matrix's rules: the eight roles, the audience classes a route can belong to, what each
// class allows, how a cell's answer is judged (allowed, denied, leak), and the minimal request body
// a route gets. The route table is in access-matrix-routes.ts, the fixture in access-matrix-world.ts.
import { isApiPath } from '../../src/http/plugins/problem.ts';
import type { Scope } from './access-matrix-scope.ts';

export const ROLES = [
  'anonymous',
  'reporterA',
  'reporterB',
  'collaborator',
  'party',
  'outsider',
  'maintainer',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that have an account (a session on pages, a personal token on the API). */
export const ACCOUNTS: readonly Role[] = ['collaborator', 'party', 'outsider', 'maintainer', 'admin'];

/**
 * Who a route is for. Project P holds the target case A; collaborator and party are guests of
 * P's other case B; outsider is a responder of another project; maintainer is P's maintainer.
 */
export type AudienceClass =
  /** Anyone: public pages, published advisories, feeds, intake, OSV. */
  | 'public'
  /** Flows run by a secret in the link or the form (sign-in, setup, reset, 2FA step, subscription
   * links): open to anyone; any non-5xx answer is fine, but never a leak. */
  | 'auth-flow'
  /** Any account: inbox, notifications, account pages, the instance metrics. */
  | 'signed-in'
  /** The reporter's page /c/:token: the token in the path is the credential; each role uses the
   * token it holds (an unknown one if none), so only the reporters get a page — their own. */
  | 'reporter-link'
  /** Team of the case's project and admins (collaborators and parties of *this* case too, where
   * the service lets them; they are guests of another case here, so they see 404). */
  | 'case-team'
  /** As case-team, plus the case's reporter with the case token (read, reply, contact and credit). */
  | 'case-team-or-reporter'
  /** Team of the project (and admins). */
  | 'project-team'
  /** Maintainers of the project and admins (a responder of P would get 403; none is in the matrix). */
  | 'project-maintainer'
  /** Instance admins. A refusal here is a 403 (the page exists on every instance: nothing to hide). */
  | 'admin'
  /** One account's own credential (token, session, passkey) named in the path: only its owner. */
  | 'account-owner'
  /** Nobody: e.g. a draft advisory asked for through the public routes. */
  | 'nobody';

export function allowed(cls: AudienceClass, role: Role, owner?: Role): boolean {
  switch (cls) {
    case 'public':
    case 'auth-flow':
      return true;
    case 'signed-in':
      return ACCOUNTS.includes(role);
    case 'reporter-link':
      return role === 'reporterA' || role === 'reporterB';
    case 'case-team-or-reporter':
      return role === 'reporterA' || role === 'maintainer' || role === 'admin';
    case 'case-team':
    case 'project-team':
    case 'project-maintainer':
      return role === 'maintainer' || role === 'admin';
    case 'admin':
      return role === 'admin';
    case 'account-owner':
      return role === owner;
    case 'nobody':
      return false;
  }
}

/** Classes whose routes name no private resource: refusing them hides nothing. */
const RESOURCE_LESS: readonly AudienceClass[] = ['signed-in', 'admin'];

export interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

/**
 * Why the answer to a cell is wrong, or undefined. Allowed: not 401/403/404, not a redirect to sign
 * in, below 500 (a 422 for an empty write shows the request got past the access check). Denied:
 * a read is a 404 (the resource might as well not exist; an account refused a route that names no
 * private resource may get a 403); callers without an account may instead be asked to sign in (303
 * to /login on pages, 401 on the API but not about a case); a write is 401/403/404. Never a 2xx or 5xx.
 */
export function judge(
  method: string,
  url: string,
  cls: AudienceClass,
  role: Role,
  res: Answer,
  owner?: Role,
): string | undefined {
  const s = res.status;
  const api = isApiPath(url);
  const toLogin = s === 303 && /^\/login(\?|$)/.test(res.location ?? '');
  if (s >= 500) return `server error ${s}`;
  if (allowed(cls, role, owner)) {
    if (cls === 'auth-flow') return undefined;
    if (s === 401 || s === 403 || s === 404 || toLogin)
      return `allowed, expected no refusal, got ${s}${toLogin ? ' to /login' : ''}`;
    return undefined;
  }
  if (s >= 200 && s < 300) return `denied, expected a refusal, got ${s}`;
  // Pages know only sessions: anonymous visitors and reporters are not signed in there. On the API a
  // reporter's case token is no account: outside case routes it is refused like no token at all.
  const account = ACCOUNTS.includes(role);
  const aboutCase = cls === 'case-team' || cls === 'case-team-or-reporter' || cls === 'reporter-link';
  const ok: string[] = [];
  if (!account && !api) ok.push('login');
  if (!account && api && (role === 'anonymous' || !aboutCase)) ok.push('401');
  if (method === 'GET') {
    ok.push('404');
    if (account && RESOURCE_LESS.includes(cls)) ok.push('403');
  } else ok.push('401', '403', '404');
  const got = toLogin ? 'login' : String(s);
  return ok.includes(got) ? undefined : `denied, expected ${[...new Set(ok)].join('/')}, got ${got}`;
}

/** A secret string that must appear only in answers to the roles entitled to it. */
export interface Canary {
  text: string;
  what: string;
  entitled: readonly Role[];
}

export function leaks(res: Answer, role: Role, canaries: readonly Canary[]): string[] {
  const seen = `${res.location ?? ''}\n${res.body}`;
  return canaries.filter((c) => !c.entitled.includes(role) && seen.includes(c.text)).map((c) => c.what);
}

// Request bodies are JSON values whose shape the route's schema decides.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = any;

/**
 * The smallest body a route's JSON schema accepts: required properties only, empty strings, first
 * enum values, false, minimum numbers. Enough to get past schema validation (which runs before the
 * access check) to the service, which then refuses the caller or the empty values.
 */
export function minimalBody(schema: Schema): unknown {
  if (!schema || typeof schema !== 'object') return undefined;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.anyOf)) return minimalBody(schema.anyOf[0]);
  switch (schema.type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const keys: string[] = [...(schema.required ?? [])];
      if (!keys.length && schema.minProperties)
        keys.push(...Object.keys(props).slice(0, schema.minProperties));
      return Object.fromEntries(keys.map((k) => [k, minimalBody(props[k])]));
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalBody(schema.items));
    case 'string':
      return 'x'.repeat(schema.minLength ?? 0);
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** How a route is asked (see access-matrix-routes.ts). */
export interface RouteSpec {
  class: AudienceClass;
  /** Path parameters other than the defaults of `param`. */
  params?: Record<string, (s: Scope) => Promise<string> | string>;
  /** The body (pages: form fields; API: JSON) instead of the minimal one. */
  body?: (s: Scope) => Promise<Record<string, unknown>>;
  /** For account-owner: whose credential the path names. */
  owner?: Role;
  /** The request spends the caller's session (sign-out): use a throwaway one. */
  spendsSession?: boolean;
  /** Makes what the request needs (before the path is filled in). */
  prepare?: (s: Scope) => Promise<unknown>;
  /** A route open to any account that acts on a case named in the body: the change must happen
   * exactly for the roles this class allows. */
  effect?: { class: AudienceClass; changed: (s: Scope) => Promise<boolean> };
}

export type Entry = AudienceClass | RouteSpec | RouteSpec[];

export function specsOf(entry: Entry): RouteSpec[] {
  return typeof entry === 'string' ? [{ class: entry }] : Array.isArray(entry) ? entry : [entry];
}
