// Writes the bench's results: a table for the terminal and the "## Report intake (API)" section of
// docs/benchmarks.md. Only that section is rewritten; other sections of the file are kept.
import fs from 'node:fs';
import os from 'node:os';

export const SECTION = '## Report intake (API)';

export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  seconds: number;
  /** Parley's throughput as a share of the bare route's run just before it; undefined for the bare route. */
  ratio?: number;
  /** That bare-route run's requests/s. */
  bareRps?: number;
}

export interface IntakeReport {
  date: string;
  rows: Row[];
  connections: number;
  targetSeconds: number;
  bodyBytes: number;
  /** What the warm-up was, in words. */
  warmup: string;
  targets: string[];
  durability: string[];
  /** CPU use by other processes just before each server's run. */
  background: string[];
  /** Lowest–highest requests/s of the bare-route runs. */
  bareRange: string;
}

/** Share of all cores busy over `ms` (from /proc/stat), in whole percent. */
export async function cpuBusy(ms: number): Promise<number> {
  const sample = () => {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3]! + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return Math.round(100 * (1 - (b.idle - a.idle) / Math.max(1, b.total - a.total)));
}

export function machine(): string {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const osRelease = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  const distro = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? os.type();
  const gib = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `${model}, ${os.cpus().length} cores, ${gib} GiB RAM; Node ${process.version}; ${distro} (kernel ${os.release()})`;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function table(rows: Row[]): string {
  const lines = [
    '| server | requests/s | p50 latency | p99 latency | vs bare route (run just before) | requests (time) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50)} ms | ${fmt(r.p99)} ms | ${r.ratio === undefined ? '—' : `${fmt(r.ratio * 100, 1)} % of ${fmt(r.bareRps ?? 0)}`} | ${fmt(r.requests)} (${fmt(r.seconds, 1)} s) |`,
    ),
  ];
  return lines.join('\n');
}

function section(r: IntakeReport): string {
  return `${SECTION}

Run with \`npm run bench\` (bench/run.ts). Last run: ${r.date}.

**Machine:** ${machine()}.

**Method.** Three servers, each in its own child process so that the load generator
(autocannon, in the parent process) does not share an event loop with the server; the machine's cores
are shared, though, so the load generator takes CPU time from every server alike.

- *bare route*: Fastify with one JSON POST route on the intake path; it parses the body and answers
  201 with a small JSON object (no validation, no database). The floor to compare with. The machine's
  speed drifts between runs (this run's bare-route runs: ${r.bareRange} requests/s), so it is measured
  right before each Parley server and each ratio is against that neighbouring run; its row shows the median.
- *Parley on SQLite*: the real server (\`buildApp\` over \`openCore\`, logger off, intake rate limit
  raised out of the way) on a fresh data directory: WAL, \`synchronous=FULL\`, so every 201 follows an
  fsynced commit. Submissions that arrive together are written by one transaction
  (batched intake, src/storage/report-intake.ts); each is answered only after that commit.
- *Parley on PostgreSQL*: the same server on a fresh database on 127.0.0.1 (pool of 10, the default),
  dropped afterwards.
- *Parley, database stubbed* (diagnostic): the same server with the intake's database work replaced by
  nothing (validation, token and id generation kept). It shows what Parley's HTTP stack alone costs,
  i.e. the ceiling any storage work is subtracted from.

Each server is warmed up (${r.warmup}),
then measured with a fixed number of requests sized from the warm-up rate to last about ${r.targetSeconds} s,
so that every request sent is answered before the run ends. ${r.connections} connections, no pipelining; every request is a
\`POST /api/v1/projects/{slug}/reports\` with a full report (all fields, ${r.bodyBytes} bytes of JSON) and its own
title. Requests/s is answers over the time from the first request to the last answer; latencies are
autocannon's (2xx only, ms resolution). A run fails if any answer is not 2xx or any request errs or times out.
CPU in use (by other processes) in the second before each server's load started; the machine is shared:
${r.background.join('; ')}.

With a fixed number of connections each waiting for its answer, throughput and latency are two sides
of one figure: mean latency ≈ connections ÷ requests per second.

${table(r.rows)}

**Targets**

${r.targets.map((t) => `- ${t}`).join('\n')}

**Durability check.** After each Parley run the server is killed with SIGKILL (no shutdown, no
flush), then the database is opened again and its cases counted. Equal counts mean every 2xx answer
left exactly one case, and that it survives a crash of the server process; surviving power loss too is
what \`synchronous=FULL\` adds, and no bench can show that.

${r.durability.map((d) => `- ${d}`).join('\n')}
`;
}

/** Replaces (or appends) the intake section of the benchmarks document, keeping the other sections. */
export function writeDoc(file: string, r: IntakeReport): void {
  const current = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : '# Benchmarks\n\nMeasured figures for Parley, one section per benchmark. Each section is rewritten by the command it names.\n';
  const text = section(r);
  const start = current.indexOf(`\n${SECTION}\n`);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${text}`;
  } else {
    const rest = current.slice(start + 1 + SECTION.length);
    const end = rest.search(/\n## /);
    const after = end < 0 ? '' : rest.slice(end + 1);
    next = `${current.slice(0, start).trimEnd()}\n\n${text}${after ? `\n${after}` : ''}`;
  }
  fs.writeFileSync(file, next.trimEnd() + '\n');
}

/** Replaces the section under `heading` (up to the next `## `) in the benchmarks document, or appends it. */
export function writeSection(file: string, heading: string, text: string): void {
  const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf(heading);
  let next = start >= 0 ? doc.indexOf('\n## ', start + heading.length) : -1;
  if (next >= 0) next += 1;
  const updated =
    start < 0
      ? `${doc.trimEnd()}\n\n${text}`
      : doc.slice(0, start) + text + (next >= 0 ? `\n${doc.slice(next)}` : '');
  fs.writeFileSync(file, updated);
}
