// Figures and text of the flood bench (bench/flood.ts): the "## Flood resistance" sections of
// docs/benchmarks.md (method, a table per database) and docs/security-testing.md (what is defended
// and how, how to run, the latest figures).
import { quantile, type FloodKind, type FloodResult, type Sample } from './flood-load.ts';
import { machine } from './report-doc.ts';

export const HEADING = '## Flood resistance';

export interface Scenario {
  name: string;
  kinds: FloodKind[];
}

export interface Outcome {
  scenario: Scenario;
  samples: Sample[];
  flood?: FloodResult;
  /** Server process CPU over the reporters' window, % of one core. */
  serverCpu: number;
  /** CPU in use by other processes just before the scenario, % of all cores. */
  background: number;
}

export interface FloodReport {
  date: string;
  seconds: number;
  connections: number;
  reporters: number;
  intervalMs: number;
  perEmail: number;
  busyPercent: number;
  results: Array<{ dialect: string; outcomes: Outcome[] }>;
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';

export function stats(samples: Sample[]) {
  const ok = samples.filter((s) => s.ok);
  const ms = samples.map((s) => s.ms);
  const failures: Record<string, number> = {};
  for (const s of samples.filter((x) => !x.ok))
    failures[`${s.channel} ${s.status}`] = (failures[`${s.channel} ${s.status}`] ?? 0) + 1;
  return {
    total: samples.length,
    ok: ok.length,
    share: samples.length ? ok.length / samples.length : 0,
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    p99: quantile(ms, 0.99),
    max: quantile(ms, 1),
    failures: Object.entries(failures),
  };
}

function statusMix(f: FloodResult | undefined): string {
  if (!f) return '—';
  return Object.entries(f.statuses)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}: ${fmt((100 * v) / f.requests, v / f.requests < 0.01 ? 2 : 0)} %`)
    .join(', ');
}

function table(outcomes: Outcome[]): string {
  const rows = outcomes.map((o) => {
    const s = stats(o.samples);
    const failed = s.failures.length
      ? ` (failed: ${s.failures.map(([k, v]) => `${k} ×${v}`).join(', ')})`
      : '';
    return `| ${o.scenario.name} | ${s.ok}/${s.total} = ${fmt(100 * s.share, 1)} %${failed} | ${fmt(s.p50, 1)} / ${fmt(s.p95, 1)} / ${fmt(s.p99, 1)} / ${fmt(s.max, 1)} ms | ${o.flood ? `${fmt(o.flood.rps)}/s` : '—'} | ${statusMix(o.flood)} | ${fmt(o.serverCpu)} % | ${o.background} % |`;
  });
  return [
    '| scenario | good submissions through | good latency p50 / p95 / p99 / max | flood rate | flood answers | server CPU (of one core) | other CPU before |',
    '|---|---|---|---:|---|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Met: ≥ 99 % through and p99 < 200 ms, on at least 100 samples. */
function verdict(r: FloodReport) {
  const misses: string[] = [];
  for (const { dialect, outcomes } of r.results)
    for (const o of outcomes.filter((x) => x.flood)) {
      const s = stats(o.samples);
      if (!(s.share >= 0.99 && s.p99 < 200 && s.total >= 100))
        misses.push(
          `${dialect}, ${o.scenario.name}: ${fmt(100 * s.share, 1)} % through, p99 ${fmt(s.p99, 1)} ms (${s.total} samples)`,
        );
    }
  const busy = r.results.some(({ outcomes }) => outcomes.some((o) => o.background > r.busyPercent));
  return { misses, allMet: misses.length === 0, busy };
}

function busyWarning(r: FloodReport): string {
  return `**Other processes were using more than ${r.busyPercent} % of the CPU before some scenarios (last column): these figures are unreliable; run again on a quiet machine.**`;
}

export function benchSection(r: FloodReport): { text: string; allMet: boolean; busy: boolean } {
  const v = verdict(r);
  const text = `${HEADING}

Run with \`node --import tsx bench/flood.ts\` (also at the end of \`npm run bench\`). Last run: ${r.date}.

**Machine:** ${machine()}.
${v.busy ? `\n${busyWarning(r)}\n` : ''}
**Target** (issue 7): under a flood from one client on the intake and login endpoints, a second,
well-behaved reporter still gets ≥ 99 % of its submissions through with p99 < 200 ms.
${v.allMet ? '**Met** in every flood scenario on both databases.' : `**Not met** in: ${v.misses.join('; ')}.`}

**Method.** The real server (\`buildApp\` over \`openCore\`, bench/server-child.ts) in its own process with
the production default limits (intake 20 a minute per address, form and API together; sign-in 10 per
15 minutes per address; 10 reports an hour and 30 a day per reporter; 50 connections per address;
the 1 s tarpit) and
production request logging (level info, into /dev/null), on a fresh SQLite data directory, then on a
fresh PostgreSQL database (dropped afterwards). Each scenario lasts ${r.seconds} s:

- *The flooder*: one client from 127.0.0.2, in a process of its own (bench/flood-worker.ts), with
  ${r.connections} keep-alive connections each sending its next request as soon as the last is answered
  (connections over the per-address cap are closed by the server and opened again at once: "error";
  once refused 20 times in 10 s, each further refusal is held for 1 s by the tarpit).
  (a) full JSON reports to \`POST /api/v1/projects/{slug}/reports\`; (b) full urlencoded reports with a
  valid CSRF cookie and token to \`POST /p/{slug}/report\`; (c) \`POST /login\` with a valid CSRF token,
  wrong passwords for a real account and guesses at unknown ones (every tenth without a token);
  (d) all three in turn. The flood starts 5 s before the reporters and outlasts them: the figures are
  for a flood under way. In its first seconds (server code for refusals not yet optimised, the
  flooder's connections all arriving at once, the tarpit not yet engaged) a new connection from another
  client could wait up to seconds (measured before the tarpit; the onset is not measured here);
  connections already open are served as in the table.
- *Well-behaved reporters*: ${r.reporters}, each from its own address (127.0.0.10 on), in the bench's main
  process, each submitting one report every ${r.intervalMs / 1000} s ± 10 % (under the per-address limit of 20 a
  minute), alternately by the API and by the no-JS form (loading the form first for its CSRF cookie and
  token, as a browser does; only the POST is timed), each report signed with an e-mail address used for
  at most ${r.perEmail} reports (under the per-reporter limit). One reporter within the production limits
  cannot give the ~200 samples a p99 needs in ${r.seconds} s, hence several, each of them "a second,
  well-behaved reporter". Through = 201 (API) or 303 to the case page (form); latency is to the POST's
  last byte, through or not.
- Server CPU: the server process's user + system time over the reporters' window (100 % = one core).
  All processes share the machine's cores, so the flooder takes CPU from the server as an attacker
  on the same host would; a flooder elsewhere would leave the server more.

${r.results.map((x) => `**${x.dialect}**\n\n${table(x.outcomes)}`).join('\n\n')}
`;
  return { text, allMet: v.allMet, busy: v.busy };
}

export function securitySection(r: FloodReport): string {
  const v = verdict(r);
  const lines = r.results.flatMap(({ dialect, outcomes }) =>
    outcomes.map((o) => {
      const s = stats(o.samples);
      return `- ${dialect}, ${o.scenario.name}: ${s.ok}/${s.total} good submissions through (${fmt(100 * s.share, 1)} %), p99 ${fmt(s.p99, 1)} ms${o.flood ? `; the flooder sent ${fmt(o.flood.rps)} requests/s` : ''}.`;
    }),
  );
  return `${HEADING}

**Target** (issue 7): under a flood from one client on the intake and login endpoints, a second,
well-behaved reporter still gets ≥ 99 % of its submissions through with p99 < 200 ms.

**What is defended, and how.** Every limit counts per client address (the socket's, or the
forwarded one with \`PARLEY_TRUST_PROXY\`), in the memory of each process, and is refused as early and
as cheaply as it can be:

- _Report intake_ (src/http/plugins/rate-limits.ts): 20 submissions a minute per address, the API and
  the form on one counter (\`PARLEY_INTAKE_RATE_LIMIT\`). The API refuses in its \`onRequest\` hook,
  before the body is read, parsed or validated: 429 \`application/problem+json\`
  (\`urn:parley:problem:rate-limited\`) with \`Retry-After\`. The form is checked after its body is read,
  so that a person just over the limit gets the form back with everything typed; but an address that
  posts the form more than twice the limit in a minute is refused in \`onRequest\` with a short error
  page (\`intakeFloodGuard\`). Without that guard every refusal rendered the whole form with three
  database reads, and a form flood slowed every other reporter to seconds.
- _Per reporter_ (src/services/triage/reporter-limits.ts, counted in the database, so across
  addresses and restarts): 10 reports an hour and 30 a day per account or e-mail address.
- _Sign-in_ (and second factor, password reset, setup and activation links, each with its own
  counter): 10 attempts per 15 minutes per address (\`PARLEY_LOGIN_RATE_LIMIT\`), refused in
  \`onRequest\` before the CSRF check and before any password hash is computed: a flood gets at most
  10 argon2id verifications per 15 minutes.
- _Connections_ (src/http/plugins/connection-limits.ts): at most 50 open connections per address
  (\`PARLEY_MAX_CONNECTIONS_PER_IP\`, 0 = no cap); one over the cap is held unread for 2 s, then
  closed (closing at once made the flooder reconnect at once, and the churn delayed other clients'
  new connections). A connection carries one request at a time, so this bounds how many of one client's requests
  wait ahead of everybody else's, however many connections it opens. Behind a trusted proxy every
  connection comes from the proxy, so the cap is off and belongs to the proxy.
- _Tarpit_ (src/http/plugins/tarpit.ts): an address refused more than 20 times within 10 s has each
  further refusal held for 1 s before it is sent (\`PARLEY_TARPIT_MS\`, 0 = off). A limit decides
  whether a request is served but does not stop a client that ignores \`Retry-After\` from asking
  again at once, and each refusal costs a turn of the server's one event loop. Before the tarpit the
  flooder got 6,000–11,000 refusals a second, the server's core was saturated, and on PostgreSQL
  every database round trip of a good request waited behind those turns (p99 250–450 ms, target
  missed). A connection waits for its answer before it sends the next request, so the flood is now
  capped at about (connections per address) ÷ 1 s. A client that honours \`Retry-After\` is never held.
- _Order_: the API intake limit, the form's flood guard and the \`POST /login\` limit run before the
  request's credentials are looked up (\`config.earlyLimit\`,
  \`registerEarlyLimits\`), so once over the limit a flood carrying made-up bearer tokens or session
  cookies costs no database read (on PostgreSQL, no pool connection that good requests wait for).
- _Slow clients_ (slowloris): a request's headers must arrive within 20 s and the whole request within
  60 s; idle keep-alive connections close after 72 s (Fastify's default); bodies are at most 1 MiB.

Not covered here: a flood from many addresses (a botnet) passes per-address limits by design and
needs rate limiting in front of Parley (reverse proxy, CDN); with several Parley processes each keeps
its own counters, so the per-address limits multiply by the number of processes. Public \`GET\` pages
(the form itself, advisories) have no rate limit. Each refused request is still logged (three lines at
level info), which a slow log consumer can turn into back-pressure.

**How to run.** \`node --import tsx --test test/integration/flood.test.ts\` (part of \`npm test\`): a 6 s flood
per database on all three endpoints from 127.0.0.2 against a listening server with the production
limits; asserts every well-behaved submission gets through, the flooder gets 429 (problem+json on the
API), at most 20 of its reports and 10 of its sign-ins are taken, the form flood gets the short refusal,
and the connection cap closes exactly the connections over it. No timing is asserted there. The
figures come from \`node --import tsx bench/flood.ts\` (also run by \`npm run bench\`; \`FLOOD_SECONDS\`,
\`FLOOD_CONNECTIONS\`), which rewrites this section and the one in
[benchmarks.md](benchmarks.md#flood-resistance) (method and full tables).

**Latest figures** (${r.date.slice(0, 10)}, ${machine()}; ${r.seconds} s per scenario, ${r.connections} flood
connections, ${r.reporters} well-behaved reporters): target **${v.allMet ? 'met' : 'not met'}**.
${v.busy ? `\n${busyWarning(r)}\n` : ''}
${lines.join('\n')}
`;
}
