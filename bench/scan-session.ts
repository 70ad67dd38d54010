// The cookies and form token the scanners present. Parley's cookies are `Secure` (the scan runs with
// an https public URL, as behind a TLS proxy), and Python's cookie jar (sqlmap, wapiti) never sends a
// Secure cookie over plain http — so without this every form post would fail its CSRF check and the
// payloads would never reach a handler. We fetch one CSRF cookie and token (a token stays valid for
// its cookie's secret), sign in once for the team session, and hand both to the tools explicitly.

export interface ScanSession {
  /** `name=value` of the CSRF cookie. */
  csrfCookie: string;
  /** A form token matching that cookie (the `_csrf` field). */
  csrfToken: string;
  /** `name=value` of a signed-in maintainer's session cookie. */
  sessionCookie: string;
  /** The Set-Cookie headers of the page and the sign-in, for checking their flags. */
  setCookies: string[];
}

/**
 * The flags wapiti's cookieflags module cannot judge on the session cookie (it cannot sign in over
 * http, see above): Secure, HttpOnly, SameSite and the `__Host-` prefix (https public URL).
 */
export function cookieFlagProblems(setCookie: string): string[] {
  const [pair, ...attrs] = setCookie.split(';').map((p) => p.trim());
  const has = (a: RegExp) => attrs.some((x) => a.test(x));
  const problems: string[] = [];
  if (!pair!.startsWith('__Host-')) problems.push('no __Host- prefix');
  if (!has(/^secure$/i)) problems.push('not Secure');
  if (!has(/^httponly$/i)) problems.push('not HttpOnly');
  if (!has(/^samesite=(strict|lax)$/i)) problems.push('no SameSite=Strict or Lax');
  return problems;
}

function cookieFrom(res: Response, prefix: RegExp): string {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0]!;
    if (prefix.test(pair.split('=')[0]!)) return pair;
  }
  throw new Error(`no cookie matching ${prefix} in the answer from ${res.url}`);
}

export async function openScanSession(
  baseUrl: string,
  email: string,
  password: string,
): Promise<ScanSession> {
  const page = await fetch(`${baseUrl}/login`);
  const html = await page.text();
  const csrfCookie = cookieFrom(page, /parley_csrf$/);
  const csrfToken = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrfToken) throw new Error('no _csrf field on /login');
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrfToken, email, password, next: '/inbox' }).toString(),
  });
  if (login.status !== 303) throw new Error(`sign-in for the scan failed with ${login.status}`);
  return {
    csrfCookie,
    csrfToken,
    sessionCookie: cookieFrom(login, /parley_session$/),
    setCookies: [...page.headers.getSetCookie(), ...login.headers.getSetCookie()],
  };
}

/** A wapiti (3.0.x) cookie file holding these cookies, marked not Secure so it sends them over http. */
export function wapitiCookieFile(host: string, cookies: string[]): string {
  const jar: Record<string, object> = {};
  for (const c of cookies) {
    const i = c.indexOf('=');
    jar[c.slice(0, i)] = { value: c.slice(i + 1), expires: null, secure: false, port: null, version: 0 };
  }
  return JSON.stringify({ [host]: { '/': jar } }, null, 2);
}
