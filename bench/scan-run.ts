// One scanner session: a fresh database, seeded (scan-seed.ts), a real `parley serve` process on a
// loopback port, then wapiti (first visit, anonymous, signed-in maintainer) and sqlmap on each target.
// Used by bench/scan.ts (the full run, `npm run scan`) and test/integration/scanner-smoke.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServerDatabase, startServer } from '../test/helpers/server-process.ts';
import { SCAN_LIMITS_ENV, seedScanWorld, type ScanWorld } from './scan-seed.ts';
import { cookieFlagProblems, openScanSession, wapitiCookieFile } from './scan-session.ts';
import { runSqlmap, sqlmapTargets, sqlmapVersion, type SqlmapResult } from './scan-sqlmap.ts';
import {
  runWapiti,
  startSsrfEndpoint,
  wapitiVersion,
  WAPITI_MODULES,
  type WapitiResult,
  type WapitiRun,
} from './scan-wapiti.ts';

/**
 * The public URL the instance believes it has: https, as in production behind a TLS proxy, so the
 * scanners see what production sends (HSTS, `__Host-` Secure cookies). They talk plain http to the
 * loopback port, as that proxy would.
 */
export const SCAN_PUBLIC_URL = 'https://parley.scan.test';

export interface ScanOptions {
  dialect: 'sqlite' | 'postgres';
  sqlmap: { level: number; risk: number; threads: number; targets?: string[]; timeoutMs: number } | null;
  wapiti: {
    runs: ('headers' | 'public' | 'team')[];
    modules: string[];
    depth: number;
    maxScanSeconds: number;
    maxAttackSeconds: number;
  } | null;
  log?: (line: string) => void;
}

export interface ScanReport {
  date: string;
  dialect: string;
  versions: { sqlmap: string | null; wapiti: string | null };
  options: ScanOptions;
  sqlmap: SqlmapResult[];
  wapiti: WapitiResult[];
  /** Cookies Parley set on the sign-in page and at sign-in, with what is wrong with their flags. */
  cookies: { name: string; problems: string[] }[];
  /** Requests the SSRF endpoint received (any is a finding, reported by wapiti too). */
  ssrfHits: number;
  seconds: number;
  /** Raw sqlmap and wapiti logs and the server's log (a temporary directory; the caller removes it). */
  workDir: string;
  findings: number;
  problems: number;
}

export function wapitiRuns(base: string, w: ScanWorld, cookies: { csrf: string; session: string }) {
  const host = new URL(base).hostname;
  // No cookies of ours: wapiti keeps the ones Parley sets, so cookieflags judges the real flags.
  const headers = {
    name: 'headers',
    url: `${base}/`,
    starts: [`${base}/p/${w.slug}/report`, `${base}/login`],
    excludes: [],
    cookieFile: null,
    headers: [],
  };
  const pub = {
    name: 'public',
    url: `${base}/`,
    starts: [
      `${base}/p/${w.slug}/report`,
      `${base}/c/${w.cases[0]!.token}`,
      `${base}/advisories/${w.advisoryId}`,
      `${base}/advisories?project=${w.slug}&severity=high&ecosystem=npm&year=2026`,
      `${base}/v1/vulns/${w.advisoryId}`,
      `${base}/login`,
    ],
    excludes: [],
    cookieFile: wapitiCookieFile(host, [cookies.csrf]),
    headers: [],
  };
  const team = {
    name: 'team',
    url: `${base}/`,
    starts: [
      `${base}/inbox`,
      `${base}/cases/${w.cases[1]!.key}`,
      `${base}/p/${w.slug}/settings`,
      `${base}/team/advisories`,
      `${base}/api/v1/reports?project=${w.slug}&state=new`,
      `${base}/api/v1/reports/${w.cases[1]!.id}`,
    ],
    // What would end the scanner's session or lock it out; everything else is attacked.
    excludes: [
      `${base}/logout`,
      `${base}/account/security*`,
      `${base}/account/tokens/*/revoke`,
      `${base}/p/${w.slug}/settings/members/*/remove`,
      `${base}/p/${w.slug}/settings/security`,
    ],
    cookieFile: wapitiCookieFile(host, [cookies.csrf, cookies.session]),
    headers: [`Authorization: Bearer ${w.apiToken}`],
  };
  return { headers, public: pub, team };
}

/** The modules of the pass without a cookie file: what a first visit gets. */
const HEADER_MODULES = ['cookieflags', 'http_headers', 'csp'];

export async function runScan(o: ScanOptions): Promise<ScanReport> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-scan-'));
  const db = await createServerDatabase(o.dialect);
  const endpoint = await startSsrfEndpoint();
  const server = await (async () => {
    try {
      const world = await seedScanWorld(db.env);
      const start = () =>
        startServer({
          database: db,
          migrate: false,
          env: { ...SCAN_LIMITS_ENV, PARLEY_PUBLIC_URL: SCAN_PUBLIC_URL },
          logFile: path.join(workDir, 'server.log'),
        });
      // The scan is about findings, not start-up: a server that did not get ready (seen once in CI,
      // with its log showing it listening; start-up itself is tested by the crash and shutdown
      // tests) is started once more, on a new port, and the first failure is printed.
      const s = await start().catch((e: Error) => {
        console.error(`scan: first server start failed, starting again: ${e.message}`);
        return start();
      });
      return { s, world };
    } catch (e) {
      // Nothing may stay open: a listening endpoint would keep the test process alive forever.
      await endpoint.close();
      await db.drop();
      throw e;
    }
  })();
  const base = server.s.baseUrl;
  const w = server.world;
  log(`parley serve on ${base} (${o.dialect}), work dir ${workDir}`);
  const report: ScanReport = {
    date: new Date().toISOString(),
    dialect: o.dialect,
    versions: { sqlmap: await sqlmapVersion(), wapiti: await wapitiVersion() },
    options: o,
    sqlmap: [],
    wapiti: [],
    cookies: [],
    ssrfHits: 0,
    seconds: 0,
    workDir,
    findings: 0,
    problems: 0,
  };
  try {
    const session = await openScanSession(base, w.email, w.password);
    report.cookies = session.setCookies.map((c) => ({
      name: c.split('=')[0]!,
      problems: cookieFlagProblems(c),
    }));
    // wapiti first: sqlmap's report-form run adds thousands of cases, which wapiti's team crawl
    // would then spend its time on.
    if (o.wapiti) {
      const runs = wapitiRuns(base, w, { csrf: session.csrfCookie, session: session.sessionCookie });
      for (const name of o.wapiti.runs) {
        log(`wapiti ${name} …`);
        const run: WapitiRun = {
          ...runs[name],
          // The cookie file's cookies are ours, not Parley's (not Secure, see scan-session.ts):
          // cookieflags runs only in the pass without one.
          modules: o.wapiti.modules.filter((m) =>
            runs[name].cookieFile ? m !== 'cookieflags' : HEADER_MODULES.includes(m),
          ),
          depth: o.wapiti.depth,
          maxScanSeconds: o.wapiti.maxScanSeconds,
          maxAttackSeconds: o.wapiti.maxAttackSeconds,
          endpoint: endpoint.url,
        };
        const r = await runWapiti(run, workDir);
        log(
          `wapiti ${name}: ${r.findings.length} findings, ${r.items.length} items, ` +
            `${r.resources} resources in ${r.seconds} s`,
        );
        report.wapiti.push(r);
      }
    }
    if (o.sqlmap) {
      for (const t of sqlmapTargets(base, w, session, o.sqlmap.targets)) {
        log(`sqlmap ${t.name} …`);
        const r = await runSqlmap(t, { ...o.sqlmap, workDir });
        log(
          `sqlmap ${t.name}: ${r.findings.length} findings, ${r.problems.length} problems, ` +
            `${r.tested.length} points tested in ${r.seconds} s`,
        );
        report.sqlmap.push(r);
      }
    }
    report.ssrfHits = endpoint.hits;
  } finally {
    await server.s.stop();
    await endpoint.close();
    await db.drop();
  }
  report.seconds = Math.round((Date.now() - started) / 1000);
  report.findings =
    report.sqlmap.reduce((n, r) => n + r.findings.length, 0) +
    report.wapiti.reduce((n, r) => n + r.findings.length, 0) +
    report.cookies.reduce((n, c) => n + c.problems.length, 0) +
    report.ssrfHits;
  report.problems =
    report.sqlmap.reduce((n, r) => n + r.problems.length, 0) +
    report.wapiti.reduce((n, r) => n + r.problems.length, 0);
  return report;
}

export { WAPITI_MODULES };
