// The links and names of announcement lists: confirmation links, RFC 8058 one-click unsubscribe
// links carrying an HMAC of the subscriber id (nothing stored, nothing to forge without the instance
// secret), RFC 2919 List-Ids and the lists' human names.
import crypto from 'node:crypto';
import { advisorySettings, derivedKey, type ServiceDeps } from '../deps.ts';

/** A confirmation link works this long after the subscription was (last) requested. */
export const CONFIRM_TTL_MS = 7 * 24 * 3600_000;

/** The instance-wide list's key in `subscribers.list_key`. */
export const INSTANCE_LIST = '*';

export interface ListInfo {
  /** A project id, or `*`. */
  key: string;
  /** The project's slug; null for the instance-wide list. */
  slug: string | null;
  /** e.g. "Conure security announcements". */
  name: string;
}

type LinkDeps = Pick<ServiceDeps, 'secret' | 'publicUrl' | 'advisories'>;

export function listInfo(
  deps: LinkDeps,
  project: { id: string; slug: string; name: string } | null,
): ListInfo {
  if (!project) {
    return {
      key: INSTANCE_LIST,
      slug: null,
      name: `${advisorySettings(deps).publisherName} security announcements (all projects)`,
    };
  }
  return { key: project.id, slug: project.slug, name: `${project.name} security announcements` };
}

/** RFC 2919 List-Id: a phrase and a dot-atom unique to the list and this instance. */
export function listId(deps: LinkDeps, list: ListInfo): string {
  const host = deps.publicUrl.hostname.replace(/^\[|\]$/g, '').replace(/[^A-Za-z0-9.-]/g, '-');
  const atom = list.slug ? `${list.slug}.announce.${host}` : `all.announce.${host}`;
  return `${list.name.replace(/[<>"\r\n]/g, '')} <${atom}>`;
}

/** 128 bits of HMAC-SHA256 over the subscriber id: enough that guessing one is hopeless. */
function tokenWith(key: Buffer, subscriberId: string): string {
  return crypto
    .createHmac('sha256', key)
    .update(subscriberId, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

export function unsubscribeToken(deps: Pick<ServiceDeps, 'secret'>, subscriberId: string): string {
  return tokenWith(derivedKey(deps.secret, 'unsubscribe'), subscriberId);
}

export function validUnsubscribeToken(deps: Pick<ServiceDeps, 'secret'>, id: string, token: string): boolean {
  const want = Buffer.from(unsubscribeToken(deps, id));
  const got = Buffer.from(token);
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

/**
 * A maker of unsubscribe links with the key and base derived once, for announcing to thousands.
 * Subscriber ids (UUIDs) and tokens (base64url) need no escaping in a query string.
 */
export function unsubscribeUrls(deps: LinkDeps): (subscriberId: string) => string {
  const key = derivedKey(deps.secret, 'unsubscribe');
  const base = new URL('/unsubscribe', deps.publicUrl).toString();
  return (id) => `${base}?s=${encodeURIComponent(id)}&t=${tokenWith(key, id)}`;
}

export function unsubscribeUrl(deps: LinkDeps, subscriberId: string): string {
  return unsubscribeUrls(deps)(subscriberId);
}

export function confirmUrl(deps: LinkDeps, token: string): string {
  const u = new URL('/subscribe/confirm', deps.publicUrl);
  u.searchParams.set('token', token);
  return u.toString();
}

/** The list headers of announcement mail (RFC 2369, 2919, 8058), by unsubscribe link. */
export function listHeaders(deps: LinkDeps, list: ListInfo): (unsubscribe: string) => Record<string, string> {
  const id = listId(deps, list);
  const archive = `<${new URL(list.slug ? `/advisories?project=${list.slug}` : '/advisories', deps.publicUrl)}>`;
  return (unsubscribe) => ({
    'List-Id': id,
    'List-Unsubscribe': `<${unsubscribe}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Archive': archive,
    // An announcement list: nobody can post to it by mail.
    'List-Post': 'NO',
    Precedence: 'list',
  });
}
