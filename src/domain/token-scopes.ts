// Scopes of personal API tokens and which one each API request needs. Deny by default: any request
// that is not a read needs `write`, so a new route is never open to a read-only token by accident;
// the few reads sent as POST and the publishing actions are listed here by route.

export const TOKEN_SCOPES = ['read', 'write', 'publish'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const SCOPE_LABELS: Record<TokenScope, string> = {
  read: 'read — list and read reports, advisories, projects and settings',
  write: 'write — change reports, messages, advisories (drafts), project settings',
  publish: 'publish — publish, schedule, unschedule and withdraw advisories',
};

export function isTokenScope(s: unknown): s is TokenScope {
  return typeof s === 'string' && (TOKEN_SCOPES as readonly string[]).includes(s);
}

/** Reads the stored comma-separated form; unknown words are dropped (a later scope never widens an old token). */
export function parseStoredScopes(stored: string): TokenScope[] {
  return TOKEN_SCOPES.filter((s) => stored.split(',').includes(s));
}

/** Stored form, in canonical order. */
export function formatScopes(scopes: readonly TokenScope[]): string {
  return TOKEN_SCOPES.filter((s) => scopes.includes(s)).join(',');
}

// POST routes that read: OSV queries and the policy preview (it validates, it saves nothing).
const READ_POSTS = new Set(['/v1/query', '/v1/querybatch', '/api/v1/projects/:slug/policy/preview']);

const PUBLISH_ACTIONS = new Set([
  '/api/v1/advisories/:ref/publish',
  '/api/v1/advisories/:ref/schedule',
  '/api/v1/advisories/:ref/unschedule',
  '/api/v1/advisories/:ref/withdraw',
]);

/** The scope an API request needs, from its method and route pattern (e.g. `/api/v1/reports/:id`). */
export function requiredScope(method: string, routeUrl: string | undefined): TokenScope {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return 'read';
  if (routeUrl && PUBLISH_ACTIONS.has(routeUrl)) return 'publish';
  if (m === 'POST' && routeUrl && READ_POSTS.has(routeUrl)) return 'read';
  return 'write';
}
