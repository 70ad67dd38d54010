// The two sides of the flood test, over real sockets from chosen loopback addresses (Linux routes all
// of 127/8 to lo, so 127.0.0.2 is "another client" to the server's per-IP limits):
// - `flood`: one client hammering the intake and login endpoints from one address, as fast as its
//   keep-alive connections allow, recording its request rate and status mix;
// - `goodReporter`: a well-behaved reporter submitting reports at a human pace (API and the no-JS
//   form with its CSRF cookie and token), recording whether each submission got through and how long it took.
// Used by bench/flood.ts (through bench/flood-worker.ts) and test/integration/flood.test.ts.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { REPORT as BENCH_REPORT } from './load.ts';

export type FloodKind = 'api' | 'form' | 'login';

/** The bench report (bench/load.ts) without its e-mail address: reporters sign with their own. */
const { reporterEmail: _email, ...benchReport } = BENCH_REPORT;
export const REPORT = { ...benchReport, title: 'Flood bench report' };

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** A client from one source address: keep-alive connections, a cookie jar, whole answers read. */
export class Client {
  readonly agent: http.Agent;
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly port: number,
    readonly localAddress: string,
    maxSockets = 4,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, localAddress });
  }

  request(
    method: string,
    path: string,
    opts: {
      body?: string;
      type?: string;
      cookies?: boolean;
      timeoutMs?: number;
      headers?: http.OutgoingHttpHeaders;
    } = {},
  ): Promise<Answer> {
    const headers: http.OutgoingHttpHeaders = { accept: 'text/html,application/json;q=0.9', ...opts.headers };
    if (opts.body !== undefined) {
      headers['content-type'] = opts.type ?? 'application/json';
      headers['content-length'] = Buffer.byteLength(opts.body);
    }
    if (opts.cookies !== false && this.cookies.size)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            for (const c of [res.headers['set-cookie'] ?? []].flat()) {
              const [pair] = c.split(';');
              const eq = pair!.indexOf('=');
              if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            });
          });
        },
      );
      req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  /** Fetches a form page and returns its CSRF token (the cookie it pairs with goes into the jar). */
  async csrfFrom(path: string): Promise<{ token: string; answer: Answer }> {
    const answer = await this.request('GET', path);
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.body)?.[1];
    if (answer.status !== 200 || !token) throw new Error(`GET ${path}: ${answer.status}, no CSRF token`);
    return { token, answer };
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  close() {
    this.agent.destroy();
  }
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export interface FloodOptions {
  port: number;
  slug: string;
  localAddress: string;
  kinds: FloodKind[];
  connections: number;
  seconds: number;
  /** An existing account: half the login attempts use it (wrong password), half unknown addresses. */
  loginEmail: string;
}

export interface FloodResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Answers per kind and status, e.g. { 'api 429': 12000, 'login 403': 3 }; errors as '<kind> error'. */
  statuses: Record<string, number>;
  /** Content type of the API's 429 answers (problem+json expected), if any came. */
  api429Type?: string;
  api429Body?: string;
}

/**
 * One client flooding from one address: `connections` keep-alive connections, each sending its next
 * request as soon as the last is answered, cycling through `kinds`. Form and login posts carry a valid
 * CSRF cookie and token (fetched once), so they look right and cost the server the most, and a
 * made-up session cookie; half the API posts a made-up case token.
 */
export async function flood(o: FloodOptions): Promise<FloodResult> {
  const client = new Client(o.port, o.localAddress, o.connections);
  const statuses: Record<string, number> = {};
  let api429Type: string | undefined;
  let api429Body: string | undefined;
  const count = (key: string) => (statuses[key] = (statuses[key] ?? 0) + 1);
  let formToken = '';
  let loginToken = '';
  if (o.kinds.includes('form')) formToken = (await client.csrfFrom(`/p/${o.slug}/report`)).token;
  if (o.kinds.includes('login')) loginToken = (await client.csrfFrom('/login')).token;
  // Made-up credentials on half the API requests and on every page post: each costs a database
  // lookup if it is looked at before the limit.
  client.setCookie('parley_session', 'made-up-session-secret-0123456789abcdefghijkl');
  const bearer = { authorization: 'Bearer rct_made-up-case-token-0123456789abcdefghijklmnop' };
  const apiBody = JSON.stringify(REPORT);
  const formBody = form({ ...REPORT, scopeCategory: 'in-scope', _csrf: formToken });
  let n = 0;
  const send = (kind: FloodKind, i: number) => {
    if (kind === 'api')
      return client.request('POST', `/api/v1/projects/${o.slug}/reports`, {
        body: apiBody,
        ...(i % 2 ? { headers: bearer } : {}),
      });
    if (kind === 'form')
      return client.request('POST', `/p/${o.slug}/report`, {
        body: formBody,
        type: 'application/x-www-form-urlencoded',
      });
    // Wrong passwords for a real account and right-looking guesses for unknown ones; every tenth
    // without a CSRF token, as a dumb script would send.
    const email = i % 2 ? o.loginEmail : `guess${i}@example.org`;
    return client.request('POST', '/login', {
      body: form({
        email,
        password: `wrong-password-${i}`,
        next: '/inbox',
        ...(i % 10 ? { _csrf: loginToken } : {}),
      }),
      type: 'application/x-www-form-urlencoded',
    });
  };
  const started = performance.now();
  const end = started + o.seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const i = n++;
      const kind = o.kinds[i % o.kinds.length]!;
      try {
        const a = await send(kind, i);
        count(`${kind} ${a.status}`);
        if (kind === 'api' && a.status === 429 && !api429Type) {
          api429Type = String(a.headers['content-type']);
          api429Body = a.body;
        }
      } catch {
        count(`${kind} error`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.connections }, loop));
  const seconds = (performance.now() - started) / 1000;
  client.close();
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  return { requests, seconds, rps: requests / seconds, statuses, api429Type, api429Body };
}

export interface Sample {
  channel: 'api' | 'form';
  ok: boolean;
  status: number | 'error';
  /** Time to the submission's answer (the POST), ms. */
  ms: number;
  /** The reporter's n-th submission (0: its first, on a new connection). */
  seq?: number;
}

export interface ReporterOptions {
  port: number;
  slug: string;
  localAddress: string;
  /** Milliseconds between submissions (kept below the per-IP intake limit). */
  intervalMs: number;
  /** Wait before the first submission, to spread reporters over the interval. */
  startDelayMs: number;
  seconds: number;
  /** Reports are signed with `<emailPrefix>-<n>@example.org`, a new address every `perEmail` reports. */
  emailPrefix: string;
  perEmail: number;
  /** Channels taken in turn. */
  channels: Array<'api' | 'form'>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * A well-behaved reporter from its own address: one submission every `intervalMs` (±10 % jitter),
 * alternating API and form. A form submission first loads the form (its CSRF cookie and token), as a
 * browser would; only the POST is timed. Success: 201 (API) or 303 to the case page (form).
 */
export async function goodReporter(o: ReporterOptions): Promise<Sample[]> {
  const client = new Client(o.port, o.localAddress, 2);
  const samples: Sample[] = [];
  const end = performance.now() + o.seconds * 1000;
  await sleep(o.startDelayMs);
  for (let i = 0; performance.now() < end; i++) {
    const due = performance.now() + o.intervalMs * (0.9 + Math.random() * 0.2);
    const channel = o.channels[i % o.channels.length]!;
    const report = {
      ...REPORT,
      title: `Well-behaved report ${o.localAddress} #${i}`,
      reporterEmail: `${o.emailPrefix}-${Math.floor(i / o.perEmail)}@example.org`,
    };
    let sample: Sample;
    try {
      if (channel === 'api') {
        const a = await client.request('POST', `/api/v1/projects/${o.slug}/reports`, {
          body: JSON.stringify(report),
        });
        sample = { channel, ok: a.status === 201, status: a.status, ms: a.ms };
      } else {
        const { token } = await client.csrfFrom(`/p/${o.slug}/report`);
        const a = await client.request('POST', `/p/${o.slug}/report`, {
          body: form({ ...report, scopeCategory: 'in-scope', _csrf: token }),
          type: 'application/x-www-form-urlencoded',
        });
        const ok = a.status === 303 && String(a.headers.location).startsWith('/c/');
        sample = { channel, ok, status: a.status, ms: a.ms };
      }
    } catch {
      sample = { channel, ok: false, status: 'error', ms: NaN };
    }
    samples.push({ ...sample, seq: i });
    await sleep(due - performance.now());
  }
  client.close();
  return samples;
}

/** The q-th quantile (0–1) of some numbers, nearest rank. */
export function quantile(values: number[], q: number): number {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
