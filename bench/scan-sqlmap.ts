// sqlmap (Debian's package) against Parley's public forms, sign-in, reporter case pages and API:
// the target list, one sqlmap run per target, and the reading of its output into findings.
// A finding is any injectable parameter, any positive heuristic (SQL, XSS or file inclusion), or a
// 5xx answer (the server failed on a payload). A 429 or a connection failure makes the run invalid:
// it would hide what the handler does with the payloads.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ScanWorld } from './scan-seed.ts';
import type { ScanSession } from './scan-session.ts';

export interface SqlmapTarget {
  name: string;
  /** What is attacked, for the report. */
  what: string;
  args: string[];
}

export interface SqlmapResult {
  name: string;
  what: string;
  seconds: number;
  /** Parameters (and marked injection points) sqlmap tested. */
  tested: string[];
  findings: string[];
  /** First-round matches sqlmap's own false-positive check rejected. */
  rejected: string[];
  /** Run problems: 429s, connection errors, sqlmap CRITICAL lines. */
  problems: string[];
  /** HTTP status → count, as sqlmap reports the non-2xx answers it got. */
  httpErrors: Record<string, number>;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Every target of the full run; `only` picks some by name (the CI share). */
export function sqlmapTargets(base: string, w: ScanWorld, s: ScanSession, only?: string[]): SqlmapTarget[] {
  const bearer = `Authorization: Bearer ${w.apiToken}`;
  const csrf = ['--cookie', s.csrfCookie, '--skip', '_csrf'];
  const [c1, c2] = w.cases;
  const all: SqlmapTarget[] = [
    {
      name: 'report-form',
      what: `POST /p/{slug}/report (web form, CSRF token and cookie)`,
      args: [
        '-u',
        `${base}/p/${w.slug}/report`,
        '--data',
        form({
          _csrf: s.csrfToken,
          scopeCategory: 'in-scope',
          title: 'Heap overflow in the image decoder',
          description: 'A crafted PNG overflows a heap buffer in the decoder and crashes the service.',
          stepsToReproduce: '1. Upload crash.png 2. Watch the worker die',
          impact: 'Remote denial of service, maybe code execution.',
          affectedVersions: '>= 2.0.0, < 2.4.1',
          suggestedFix: 'Check the chunk length before copying.',
          reporterEmail: 'finder@example.org',
          creditPreference: 'handle',
          creditName: '@finder',
        }),
        ...csrf,
      ],
    },
    {
      name: 'login',
      what: 'POST /login (sign-in form: email, password, next)',
      args: [
        '-u',
        `${base}/login`,
        '--data',
        form({ _csrf: s.csrfToken, email: w.email, password: w.password, next: '/inbox' }),
        ...csrf,
      ],
    },
    {
      name: 'api-intake',
      what: 'POST /api/v1/projects/{slug}/reports (JSON body, every field)',
      args: [
        '-u',
        `${base}/api/v1/projects/${w.slug}/reports`,
        '--data',
        JSON.stringify({
          title: 'SQL injection in search',
          description: 'The search box passes its input to the query builder without escaping.',
          stepsToReproduce: 'Search for a quote character.',
          impact: 'Read any row of the database.',
          affectedVersions: '1.x',
          reporterEmail: 'api-finder@example.org',
          creditPreference: 'name',
          creditName: 'Api Finder',
        }),
        '-H',
        'Content-Type: application/json',
      ],
    },
    {
      name: 'api-list',
      what: 'GET /api/v1/reports?project=&state= (Bearer API token)',
      args: ['-u', `${base}/api/v1/reports?project=${w.slug}&state=new`, '-H', bearer],
    },
    {
      name: 'api-report',
      what: 'GET /api/v1/reports/{id} (id in the path, Bearer API token)',
      args: ['-u', `${base}/api/v1/reports/${c1!.id}*`, '-H', bearer],
    },
    {
      name: 'api-bearer',
      what: 'Authorization: Bearer {token} header (token lookup)',
      args: ['-u', `${base}/api/v1/reports/${c1!.id}`, '-H', `${bearer}*`],
    },
    {
      name: 'osv-query',
      what: 'POST /v1/query (OSV JSON: package name, ecosystem, version)',
      args: [
        '-u',
        `${base}/v1/query`,
        '--data',
        JSON.stringify({ version: '1.2.0', package: { name: w.pkg.name, ecosystem: w.pkg.ecosystem } }),
        '-H',
        'Content-Type: application/json',
      ],
    },
    {
      name: 'osv-vuln',
      what: 'GET /v1/vulns/{id} (id in the path)',
      args: ['-u', `${base}/v1/vulns/${w.advisoryId}*`],
    },
    {
      name: 'advisories',
      what: 'GET /advisories?project=&severity=&ecosystem=&year= (public list filters)',
      args: ['-u', `${base}/advisories?project=${w.slug}&severity=high&ecosystem=npm&year=2026`],
    },
    {
      name: 'case-page',
      what: 'GET /c/{token} (reporter case link, token in the path)',
      args: ['-u', `${base}/c/${c2!.token}*`],
    },
    {
      name: 'case-reply',
      what: 'POST /c/{token}/messages (reporter reply form)',
      args: [
        '-u',
        `${base}/c/${c2!.token}/messages`,
        '--data',
        form({ _csrf: s.csrfToken, body: 'Here is a smaller proof of concept.' }),
        ...csrf,
      ],
    },
  ];
  return only ? all.filter((t) => only.includes(t.name)) : all;
}

// sqlmap's verdicts: a confirmed injection point, or a positive heuristic (SQL error, XSS or
// file-inclusion characters reflected unescaped). "might not be injectable" does not match.
const FINDING =
  /identified the following injection point|parameter '[^']*' is vulnerable|might be injectable|might be vulnerable to/;
// A first-round match that sqlmap then re-tests ("checking if the injection point … is a false
// positive"); only one it does not reject is a finding.
const CANDIDATE =
  /(\S+ parameter '[^']*'|URI parameter '[^']*'|\(custom\) HEADER parameter '[^']*') appears to be '(.*)' injectable/;
const REJECTED = /false positive or unexploitable injection point detected/;
const PROBLEM = /\[CRITICAL\]|unable to connect|connection (refused|timed out)/i;

/** Reads sqlmap's console output. */
export function parseSqlmapOutput(out: string): Omit<SqlmapResult, 'name' | 'what' | 'seconds'> {
  const tested = new Set<string>();
  const findings: string[] = [];
  const problems: string[] = [];
  const rejected: string[] = [];
  let candidate: string | null = null;
  const settle = () => {
    if (candidate) findings.push(`${candidate} (not rejected by sqlmap's false-positive check)`);
    candidate = null;
  };
  for (const line of out.split('\n')) {
    const t = /testing for SQL injection on (.+)$/.exec(line);
    if (t) {
      settle();
      tested.add(t[1]!.trim());
    }
    const c = CANDIDATE.exec(line);
    if (c) candidate = `${c[1]} appeared '${c[2]}' injectable`;
    else if (REJECTED.test(line) && candidate) {
      rejected.push(candidate);
      candidate = null;
    } else if (FINDING.test(line)) findings.push(line.trim());
    else if (PROBLEM.test(line)) problems.push(line.trim());
  }
  settle();
  const httpErrors: Record<string, number> = {};
  for (const m of out.matchAll(/\b(\d{3}) \([^)]*\) - (\d+) times/g)) {
    httpErrors[m[1]!] = (httpErrors[m[1]!] ?? 0) + Number(m[2]);
  }
  for (const [code, n] of Object.entries(httpErrors)) {
    if (code.startsWith('5')) findings.push(`${n} answers with HTTP ${code}`);
    if (code === '429') problems.push(`${n} answers with HTTP 429: rate limited, payloads not processed`);
  }
  return { tested: [...tested], findings, rejected, problems, httpErrors };
}

export interface SqlmapOptions {
  level: number;
  risk: number;
  threads: number;
  /** Temporary directory for sqlmap's output dir and the raw logs. */
  workDir: string;
  /** Per-target limit; the target counts as a problem when hit. */
  timeoutMs: number;
}

export async function runSqlmap(target: SqlmapTarget, o: SqlmapOptions): Promise<SqlmapResult> {
  const args = [
    ...target.args,
    '--batch',
    `--level=${o.level}`,
    `--risk=${o.risk}`,
    `--threads=${o.threads}`,
    '--output-dir',
    path.join(o.workDir, 'sqlmap'),
    '--flush-session',
    '--disable-coloring',
    '--drop-set-cookie',
    '--timeout=30',
    '--retries=1',
    // sqlmap's WAF probe adds an unknown parameter full of attack strings; Parley's API refuses
    // unknown parameters (400/422), which sqlmap would take for a WAF. There is none.
    '--skip-waf',
    // Follow the report form's 303 to the new case page with a GET, as a browser does.
    '--answers=follow=Y,resend=N',
    // A refused sign-in is 401; sqlmap would stop at the first one.
    '--ignore-code=401',
  ];
  const started = Date.now();
  const out = await new Promise<{ text: string; timedOut: boolean }>((resolve, reject) => {
    const child = spawn('sqlmap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      resolve({ text, timedOut });
    });
  });
  fs.writeFileSync(path.join(o.workDir, `sqlmap-${target.name}.log`), out.text);
  const parsed = parseSqlmapOutput(out.text);
  if (out.timedOut) parsed.problems.push(`sqlmap did not finish within ${o.timeoutMs / 1000} s`);
  if (!parsed.tested.length) parsed.problems.push('sqlmap tested no parameter');
  return {
    name: target.name,
    what: target.what,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    ...parsed,
  };
}

export function sqlmapVersion(): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn('sqlmap', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.once('error', () => resolve(null));
    child.once('close', (code) => resolve(code === 0 ? text.trim().split('\n')[0]!.trim() : null));
  });
}
