// wapiti (Debian's 3.0.4 package) against Parley: one crawl-and-attack run, the local stand-in for
// wapiti's SSRF endpoint, and the reading of its JSON report into findings per category.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** wapiti's default modules in 3.0.4 (`wapiti --list-modules`), plus crlf, csrf and methods. */
export const WAPITI_MODULES = [
  'blindsql',
  'cookieflags',
  'csp',
  'exec',
  'file',
  'http_headers',
  'permanentxss',
  'redirect',
  'sql',
  'ssrf',
  'xss',
  'crlf',
  'csrf',
  'methods',
];

/**
 * Items reviewed and accepted, each with the reason; everything else is a finding. Keep this list
 * short and precise: an entry must not hide a real problem on another page.
 */
export const WAPITI_ACCEPTED: { category: string; info: RegExp; reason: string }[] = [
  {
    category: 'HTTP Secure Headers',
    info: /^X-XSS-Protection is not set$/,
    reason:
      'Parley sends `X-XSS-Protection: 0` on purpose (helmet\'s default): wapiti 3.0.4 wants "1". ' +
      'Browsers removed the XSS auditor that header controlled (Chrome 78, Edge, Safari), and where it ' +
      'still exists it can be abused to leak data across sites; OWASP and MDN recommend "0" with a ' +
      'Content-Security-Policy instead, which Parley sends (no inline script).',
  },
];

// wapiti's own main, with two fixes:
// - Python 3.11 rejects the regex wapiti 3.0.4 builds for -x (a global flag after the pattern), so
//   every exclusion would crash it;
// - Parley renders a fresh CSRF token into every form (a new salt each time, as @fastify/csrf does
//   against BREACH), so wapiti takes each rendering of a form for a new form: the team crawl found
//   4,000 "forms", mostly copies, and the time caps ran out on them. The form identity ignores the
//   `_csrf` value (any token of the session's cookie is valid, so attacking one copy is enough).
const LAUNCHER = `
import re, sys
import wapitiCore.net.crawler as crawler
from wapitiCore.net import web
def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\\Z")
crawler.wildcard_translate = wildcard_translate
def request_hash(self):
    if self._cached_hash is None:
        strip = lambda params: tuple((p[0], "" if p[0] == "_csrf" else p[1]) for p in params)
        post = strip(self._post_params) if isinstance(self._post_params, list) else self._enctype + str(len(self._post_params))
        files = tuple((p[0], p[1][0]) for p in self._file_params)
        self._cached_hash = hash((self._method, self._resource_path, strip(self._get_params), post, files))
    return self._cached_hash
web.Request.__hash__ = request_hash
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
`;

/**
 * wapiti's SSRF module injects URLs of an "endpoint" and afterwards asks it (get_ssrf.php) whether
 * the target fetched any. The public one is on the internet; this one listens on loopback and
 * answers in the same format, so the check works offline.
 */
export async function startSsrfEndpoint(): Promise<{ url: string; hits: number; close(): Promise<void> }> {
  const hits: Record<string, Record<string, Record<string, object[]>>> = {};
  let count = 0;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const m = /^\/ssrf\/([^/]+)\/([^/]+)\/([^/]+)\//.exec(u.pathname);
    if (m) {
      count++;
      const [, session, pathId, hexParam] = m as unknown as [string, string, string, string];
      ((hits[session] ??= {})[pathId] ??= {})[hexParam] ??= [];
      hits[session]![pathId]![hexParam]!.push({
        url: u.toString(),
        date: new Date().toISOString(),
        ip: req.socket.remoteAddress,
        method: req.method,
        size: 0,
      });
      res.end('ok');
      return;
    }
    if (u.pathname.endsWith('get_ssrf.php')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(hits[u.searchParams.get('id') ?? ''] ?? {}));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    get hits() {
      return count;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface WapitiRun {
  name: string;
  /** Base URL (scope: the whole host). */
  url: string;
  starts: string[];
  excludes: string[];
  /** Cookie file contents (scan-session.ts wapitiCookieFile), or none. */
  cookieFile: string | null;
  headers: string[];
  modules: string[];
  depth: number;
  maxScanSeconds: number;
  maxAttackSeconds: number;
  endpoint: string;
}

export interface WapitiItem {
  category: string;
  kind: 'vulnerability' | 'anomaly' | 'additional';
  method: string;
  path: string;
  parameter: string;
  info: string;
  accepted?: string;
}

export interface WapitiResult {
  name: string;
  seconds: number;
  /** URLs and forms wapiti found (its own count). */
  resources: number | null;
  items: WapitiItem[];
  findings: WapitiItem[];
  problems: string[];
  /** The report without its large `classifications` block. */
  report: unknown;
}

interface ReportEntry {
  method: string;
  path: string;
  parameter: string;
  info: string;
}

export function readWapitiReport(report: Record<string, unknown>): WapitiItem[] {
  const items: WapitiItem[] = [];
  const kinds = {
    vulnerabilities: 'vulnerability',
    anomalies: 'anomaly',
    additionals: 'additional',
  } as const;
  for (const [key, kind] of Object.entries(kinds)) {
    const byCategory = (report[key] ?? {}) as Record<string, ReportEntry[]>;
    for (const [category, list] of Object.entries(byCategory)) {
      for (const e of list) {
        const accepted = WAPITI_ACCEPTED.find((a) => a.category === category && a.info.test(e.info));
        items.push({
          category,
          kind,
          method: e.method,
          path: e.path,
          parameter: e.parameter,
          info: e.info,
          ...(accepted ? { accepted: accepted.reason } : {}),
        });
      }
    }
  }
  return items;
}

export async function runWapiti(run: WapitiRun, workDir: string): Promise<WapitiResult> {
  const dir = path.join(workDir, `wapiti-${run.name}`);
  fs.mkdirSync(dir, { recursive: true });
  const cookies = path.join(dir, 'cookies.json');
  if (run.cookieFile) fs.writeFileSync(cookies, run.cookieFile);
  const reportFile = path.join(dir, 'report.json');
  // Every run would otherwise try to download the wapp (technology fingerprint) database from the
  // internet while loading its modules; wapp is not used, so an empty one keeps the run offline.
  fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config', 'apps.json'), '{}');
  const args = [
    '-c',
    LAUNCHER,
    '-u',
    run.url,
    '--scope',
    'folder',
    '-m',
    run.modules.join(','),
    ...(run.cookieFile ? ['-c', cookies] : []),
    '-d',
    String(run.depth),
    '--max-scan-time',
    String(run.maxScanSeconds),
    '--max-attack-time',
    String(run.maxAttackSeconds),
    '--endpoint',
    run.endpoint,
    '-f',
    'json',
    '-o',
    reportFile,
    '--store-session',
    path.join(dir, 'session'),
    '--store-config',
    path.join(dir, 'config'),
    '--flush-session',
    '--no-bugreport',
    '-t',
    '30',
    '-v',
    '1',
    ...run.starts.flatMap((s) => ['-s', s]),
    ...run.excludes.flatMap((x) => ['-x', x]),
    ...run.headers.flatMap((h) => ['-H', h]),
  ];
  const started = Date.now();
  const text = await new Promise<string>((resolve, reject) => {
    // Debian's interpreter: that is where the wapiti package's modules are.
    const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(out));
  });
  fs.writeFileSync(path.join(workDir, `wapiti-${run.name}.log`), text);
  const problems: string[] = [];
  if (!fs.existsSync(reportFile)) {
    return {
      name: run.name,
      seconds: (Date.now() - started) / 1000,
      resources: null,
      items: [],
      findings: [],
      problems: [`wapiti wrote no report:\n${text.slice(-2000)}`],
      report: null,
    };
  }
  if (/Traceback \(most recent call last\)/.test(text)) problems.push('wapiti printed a Python traceback');
  const full = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Record<string, unknown>;
  delete full.classifications;
  const items = readWapitiReport(full);
  const resources = /Wapiti found (\d+) URLs and forms/.exec(text)?.[1];
  return {
    name: run.name,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    resources: resources ? Number(resources) : null,
    items,
    findings: items.filter((i) => !i.accepted && i.kind !== 'additional'),
    problems,
    report: full,
  };
}

export function wapitiVersion(): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn('wapiti', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.once('error', () => resolve(null));
    child.once('close', () => resolve(/Wapiti[- ](\d+\.\d+\.\d+)/.exec(text)?.[0] ?? null));
  });
}
