// A minimal browser for app.inject(): keeps cookies, reads CSRF tokens from forms, posts urlencoded
// forms. Lets page tests run every role against every page without starting Chromium.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class PageClient {
  private cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string | undefined {
    if (!this.cookies.size) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const gone = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()) || c.value === '';
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    const res = await this.app.inject({ method: 'GET', url, headers });
    this.keep(res);
    return res;
  }

  /** Posts a form; takes the CSRF token from `csrfFrom` (a page URL) unless `csrf` is given. */
  async post(
    url: string,
    fields: Record<string, string>,
    opts: { csrfFrom?: string; csrf?: string | null } = {},
  ) {
    let token = opts.csrf;
    if (token === undefined) token = csrfToken((await this.get(opts.csrfFrom ?? '/')).body);
    const body = new URLSearchParams({
      ...fields,
      ...(token !== null && token !== undefined ? { _csrf: token } : {}),
    }).toString();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    const res = await this.app.inject({ method: 'POST', url, headers, payload: body });
    this.keep(res);
    return res;
  }

  async login(email: string, password: string) {
    const res = await this.post('/login', { email, password, next: '/inbox' }, { csrfFrom: '/login' });
    if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
    return res;
  }

  hasCookie(name: string) {
    return this.cookies.has(name);
  }
}

export function csrfToken(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}
