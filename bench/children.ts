// Starting and stopping the bench's child processes, and the databases they run on: a fresh SQLite
// data directory, or a fresh PostgreSQL database that is dropped afterwards.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import SQLite from 'better-sqlite3';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Child {
  proc: ChildProcess;
  port: number;
  database: string;
}

/** Forks bench/<file> (run through tsx) and waits for it to report its port. */
export function startChild(file: string, env: Record<string, string>): Promise<Child> {
  const proc = fork(path.join(here, file), [], {
    execArgv: ['--import', 'tsx'],
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${file} did not start within 60 s`)), 60_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(e);
    };
    proc.once('exit', (code, signal) =>
      fail(new Error(`${file} exited early (code ${code}, signal ${signal})`)),
    );
    proc.once('message', (m: { port: number; database: string }) => {
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      resolve({ proc, port: m.port, database: m.database });
    });
  });
}

/** Stops a child and waits for it to be gone. SIGKILL simulates a crash: nothing gets flushed on the way out. */
export function stopChild(child: Child, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.proc.once('exit', () => resolve());
    child.proc.kill(signal);
  });
}

export interface BenchDatabase {
  /** Environment for the Parley child. */
  env: Record<string, string>;
  countCases(): Promise<number>;
  drop(): Promise<void>;
}

export function sqliteDatabase(): BenchDatabase {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  return {
    env: { PARLEY_DATA_DIR: dataDir },
    async countCases() {
      // Opening the file runs WAL recovery, as a restarted server would.
      const db = new SQLite(path.join(dataDir, 'parley.db'), { fileMustExist: true });
      try {
        return (db.prepare('select count(*) as n from cases').get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
    async drop() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function postgresDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `parley_bench_${crypto.randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  return {
    env: { PARLEY_DATA_DIR: dataDir, DATABASE_URL: url },
    countCases: () =>
      withClient(url, async (c) => Number((await c.query('select count(*) as n from cases')).rows[0].n)),
    async drop() {
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
