// One crash-safety run on one dialect, shared by test/integration/crash-safety.test.ts (a short run)
// and bench/crash.ts (a long one): the real server as a child process on a fresh database, a loopback
// SMTP sink as its relay, clients submitting by API, form and mail at full speed, SIGKILL at seeded
// random moments and a restart after each, then a drain and the checks of crash-check.ts.
import { loadConfig } from '../../src/config.ts';
import { openCore } from '../../src/bootstrap.ts';
import { cli, createServer, createServerDatabase, type ServerProcess } from './server-process.ts';
import { startSmtpSink } from './smtp-sink.ts';
import { CrashLoad, seededRandom, type LoadStats } from './crash-load.ts';
import { checkCrashRun, drainState, inFlightDeliveries, type CrashFindings } from './crash-check.ts';

export interface CrashRunOptions {
  dialect: 'sqlite' | 'postgres';
  seed: number;
  kills: number;
  /** Time the server runs between (re)start and the next kill, drawn uniformly from this range. */
  upMs: [number, number];
  apiClients: number;
  formClients: number;
  mailClients: number;
  /** PostgreSQL server to create the run's database on (default PARLEY_TEST_PG_URL or local). */
  pgUrl?: string;
  /** How long the final drain (jobs and outbox) may go without progress before it gives up. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface CrashRunResult extends CrashFindings {
  dialect: string;
  seed: number;
  kills: number;
  /** Kills that fell while mail was being delivered (outbox rows claimed and unfinished at the kill). */
  killsDuringDelivery: number;
  /** Deliveries in flight at the kills, summed: the most a kill can duplicate. */
  inFlightAtKills: number;
  /** Milliseconds from spawning the restarted server to /readyz answering 200. */
  recoveryMs: number[];
  drainMs: number;
  load: Omit<LoadStats, 'acked' | 'mails'>;
  mailsSent: number;
  mailResends: number;
  sunk: number;
  durationMs: number;
}

const SLUG = 'crash';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCrashScenario(o: CrashRunOptions): Promise<CrashRunResult> {
  const log = o.log ?? (() => {});
  const random = seededRandom(o.seed);
  const started = Date.now();
  const db = await createServerDatabase(o.dialect, o.pgUrl);
  const sink = await startSmtpSink({ keepRaw: true });
  let keep = false;
  let server: ServerProcess | undefined;
  try {
    server = await createServer({
      database: db,
      smtpUrl: sink.url,
      inboundSmtp: true,
      migrate: false,
      env: {
        LOG_LEVEL: 'warn',
        PARLEY_INTAKE_RATE_LIMIT: '10000000',
        PARLEY_REPLY_RATE_LIMIT: '10000000',
        PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
        PARLEY_REPORTER_REPORTS_PER_DAY: '0',
        PARLEY_CASE_MESSAGES_PER_10MIN: '0',
        PARLEY_INBOUND_DOMAIN: 'parley.test',
        PARLEY_MAIL_FROM: 'Parley <parley@parley.test>',
        // A killed job or delivery is taken again after its lease; short here so the run stays short.
        PARLEY_JOB_LEASE_SECONDS: '5',
        PARLEY_OUTBOX_LEASE_SECONDS: '5',
      },
    });
    // The CLI migrates (whether or not `serve` would), then the project and a team member who gets
    // the new-report mail are seeded through the app's own services.
    await cli(server.env, ['migrate']);
    const core = await openCore(loadConfig(server.env), { migrate: false });
    try {
      await core.services.auth.createUser(
        { email: 'team@parley.test', name: 'Team', password: 'crash-safety-password-1' },
        { admin: true },
      );
      await core.services.projects.create('system', { slug: SLUG, name: 'Crash' });
      await core.services.projects.addMemberAsSystem(SLUG, 'team@parley.test', 'maintainer');
    } finally {
      await core.close();
    }
    const first = await server.start();
    log(`${o.dialect}: server up in ${first} ms (pid ${server.pid}), seed ${o.seed}`);
    const mailTo = `${SLUG}@parley.test`;
    const load = new CrashLoad({
      baseUrl: server.baseUrl,
      slug: SLUG,
      mailTo,
      inboundSmtpPort: server.inboundSmtpPort,
      apiClients: o.apiClients,
      formClients: o.formClients,
      mailClients: o.mailClients,
      tag: String(o.seed),
      random,
    });
    load.start();
    const recoveryMs: number[] = [];
    let killsDuringDelivery = 0;
    let inFlightAtKills = 0;
    for (let k = 0; k < o.kills; k++) {
      const up = o.upMs[0] + Math.floor(random() * (o.upMs[1] - o.upMs[0]));
      await sleep(up);
      await server.stop('SIGKILL');
      const killedAt = new Date();
      const inFlight = await inFlightDeliveries(server.env, killedAt);
      inFlightAtKills += inFlight;
      if (inFlight) killsDuringDelivery++;
      const ms = await server.start();
      load.restarted();
      recoveryMs.push(ms);
      log(
        `${o.dialect}: kill ${k + 1}/${o.kills} after ${up} ms up (${inFlight} deliveries in flight); back in ${ms} ms; ` +
          `${load.stats.acked.length} reports and ${load.stats.mails.filter((m) => m.acked).length} mails acknowledged so far`,
      );
    }
    await sleep(o.upMs[0]);
    await load.stop();
    const drainStart = Date.now();
    // The drain may take as long as it keeps making progress (a quiet machine takes more reports than
    // a fixed window can deliver); it times out after drainTimeoutMs without progress, or 15 minutes.
    const stall = o.drainTimeoutMs ?? 60_000;
    const cap = drainStart + 15 * 60_000;
    let deadline = drainStart + stall;
    let open = Infinity;
    for (;;) {
      const s = await drainState(server.env);
      if (!s.jobsOpen && !s.outboxOpen) break;
      if (s.jobsOpen + s.outboxOpen < open) {
        open = s.jobsOpen + s.outboxOpen;
        deadline = Math.min(cap, Date.now() + stall);
      }
      if (Date.now() > deadline) {
        log(`${o.dialect}: drain timed out with ${s.jobsOpen} jobs and ${s.outboxOpen} outbox rows open`);
        break;
      }
      await sleep(250);
    }
    const drainMs = Date.now() - drainStart;
    await server.stop('SIGTERM');
    const findings = await checkCrashRun({
      env: server.env,
      slug: SLUG,
      acked: load.stats.acked,
      mails: load.stats.mails,
      mailTo,
      sunk: sink.messages,
    });
    keep = findings.problems.length > 0 && process.env.PARLEY_CRASH_KEEP === '1';
    if (keep) log(`${o.dialect}: data kept in ${db.dataDir} ${db.databaseUrl ?? ''}`);
    const { acked: _a, mails: _m, ...loadCounts } = load.stats;
    return {
      ...findings,
      dialect: o.dialect,
      seed: o.seed,
      kills: o.kills,
      killsDuringDelivery,
      inFlightAtKills,
      recoveryMs,
      drainMs,
      load: loadCounts,
      mailsSent: load.stats.mails.length,
      mailResends: load.stats.mails.reduce((n, m) => n + m.resentAfterAck, 0),
      sunk: sink.messages.length,
      durationMs: Date.now() - started,
    };
  } finally {
    await server?.stop('SIGKILL');
    await sink.close();
    if (!keep) await db.drop();
  }
}

export function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
