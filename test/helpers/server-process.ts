// The real Parley server as a child process (`node bin/parley.js serve`), for tests and benches that
// must kill it (SIGKILL: a crash, nothing flushed) or stop it (SIGTERM) and start it again on the
// same data. Also the CLI as a child (`parley migrate` etc.), a free-port finder, and a fresh
// database per run (a SQLite data directory, or a PostgreSQL database dropped afterwards).
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/parley.js');

/** A TCP port nobody listens on right now (the kernel picks it; it is released before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `parley <args>` with exactly this environment (plus PATH), feeding `stdin` when given. */
export function runCli(env: Record<string, string>, args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Like runCli, but throws with the output when the command fails. */
export async function cli(env: Record<string, string>, args: string[], stdin?: string): Promise<string> {
  const r = await runCli(env, args, stdin);
  if (r.code !== 0) throw new Error(`parley ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export interface ServerDatabase {
  dialect: 'sqlite' | 'postgres';
  dataDir: string;
  databaseUrl: string | undefined;
  /** PARLEY_DATA_DIR (and DATABASE_URL) for the server and the CLI. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export const adminPgUrl = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh data directory, and on PostgreSQL a fresh database (dropped by drop()). */
export async function createServerDatabase(
  dialect: 'sqlite' | 'postgres',
  adminUrl = adminPgUrl,
): Promise<ServerDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-proc-'));
  let databaseUrl: string | undefined;
  let name = '';
  if (dialect === 'postgres') {
    name = `parley_proc_${crypto.randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  return {
    dialect,
    dataDir,
    databaseUrl,
    env: { PARLEY_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    async drop() {
      if (name) {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The end of a log file, for error messages (the file may be gone with its temp dir by then). */
function tail(file: string, bytes = 3000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '(no log)';
  }
}

export interface ServerOptions {
  /** PARLEY_DATA_DIR and DATABASE_URL (see createServerDatabase). */
  database: Pick<ServerDatabase, 'env' | 'dataDir'>;
  /** Outgoing mail relay (PARLEY_SMTP_URL), e.g. an smtp-sink's url. */
  smtpUrl?: string;
  /** Open the built-in SMTP listener on a free port (PARLEY_INBOUND_SMTP_PORT). */
  inboundSmtp?: boolean;
  /** More environment (rate limits, leases, LOG_LEVEL …); wins over the defaults set here. */
  env?: Record<string, string>;
  /** Arguments after `serve` (e.g. ['--migrate']). */
  serveArgs?: string[];
  /** Run `parley migrate` before the first start (default true). */
  migrate?: boolean;
  /** How long to wait for /readyz (default 60 s). */
  readyTimeoutMs?: number;
  /** Where the child's stdout and stderr go (default `<dataDir>/server.log`, appended). */
  logFile?: string;
}

export interface ServerProcess {
  readonly port: number;
  readonly baseUrl: string;
  readonly inboundSmtpPort: number | undefined;
  /** The environment the child runs with (for runCli on the same data). */
  readonly env: Record<string, string>;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Starts the child (when not running) and waits for /readyz; resolves with the ms it took. */
  start(): Promise<number>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. SIGKILL simulates a crash. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stop(signal) then start(); resolves with the ms from the new spawn to ready. */
  restart(signal?: NodeJS.Signals): Promise<number>;
}

/** Creates the server handle; call start() (startServer does both). */
export async function createServer(opts: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const inboundSmtpPort = opts.inboundSmtp ? await freePort() : undefined;
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...opts.database.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    PARLEY_PUBLIC_URL: baseUrl,
    ...(opts.smtpUrl ? { PARLEY_SMTP_URL: opts.smtpUrl } : {}),
    ...(inboundSmtpPort ? { PARLEY_INBOUND_SMTP_PORT: String(inboundSmtpPort) } : {}),
    ...opts.env,
  };
  const logFile = opts.logFile ?? path.join(opts.database.dataDir, 'server.log');
  let child: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let migrated = opts.migrate === false;

  async function waitReady(c: ChildProcess, started: number): Promise<void> {
    const deadline = started + (opts.readyTimeoutMs ?? 60_000);
    let gone = false;
    let last = 'no answer yet';
    void exited!.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone) throw new Error(`parley serve exited before it was ready:\n${tail(logFile)}`);
      try {
        const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
        last = `${res.status} ${await res.text()}`;
        if (res.ok) return;
      } catch (e) {
        // Not listening yet, usually; kept for the message if it never becomes ready.
        last = String((e as Error).cause ?? e);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    c.kill('SIGKILL');
    throw new Error(
      `parley serve was not ready within ${opts.readyTimeoutMs ?? 60_000} ms (last /readyz: ${last}):\n${tail(logFile)}`,
    );
  }

  const handle: ServerProcess = {
    port,
    baseUrl,
    inboundSmtpPort,
    env,
    get pid() {
      return child?.pid;
    },
    get running() {
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    async start() {
      if (handle.running) return 0;
      if (!migrated) {
        // Works whether or not `serve` migrates by itself.
        await cli(env, ['migrate']);
        migrated = true;
      }
      const out = fs.openSync(logFile, 'a');
      const started = Date.now();
      const c = spawn(process.execPath, [bin, 'serve', ...(opts.serveArgs ?? [])], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      child = c;
      exited = new Promise((resolve) => c.once('exit', (code, signal) => resolve({ code, signal })));
      await waitReady(c, started);
      return Date.now() - started;
    },
    async stop(signal = 'SIGTERM') {
      const c = child;
      if (!c || !exited) return { code: null, signal: null };
      if (handle.running) c.kill(signal);
      return exited;
    },
    async restart(signal = 'SIGTERM') {
      await handle.stop(signal);
      return handle.start();
    },
  };
  return handle;
}

/** Creates and starts the server (migrating first unless `migrate: false`). */
export async function startServer(opts: ServerOptions): Promise<ServerProcess> {
  const s = await createServer(opts);
  await s.start();
  return s;
}
