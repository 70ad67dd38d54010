// Main-thread side of sqlite-intake.worker.js: a ReportBatchWriter that hands each batch to the
// worker and settles when the worker's commit is done. The worker starts on first use; if it dies,
// the batches it held fail (nothing of them was confirmed) and the next batch starts a new one.
import { Worker } from 'node:worker_threads';
import type { ReportBatchWriter, AssignedKey } from './report-intake.ts';

interface Waiting {
  resolve(v: AssignedKey[]): void;
  reject(e: unknown): void;
}

export interface SqliteIntakeWorker {
  write: ReportBatchWriter;
  close(): Promise<void>;
}

export function sqliteIntakeWorker(file: string): SqliteIntakeWorker {
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, Waiting>();

  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    worker = undefined;
  };

  function start(): Worker {
    const w = new Worker(new URL('./sqlite-intake.worker.js', import.meta.url), { workerData: { file } });
    w.unref(); // the HTTP server keeps the process alive, not this worker
    w.on(
      'message',
      (m: { id: number; ok: boolean; assigned?: AssignedKey[]; message?: string; code?: string }) => {
        const entry = waiting.get(m.id);
        if (!entry) return;
        waiting.delete(m.id);
        if (m.ok) entry.resolve(m.assigned!);
        else entry.reject(Object.assign(new Error(m.message), { code: m.code }));
      },
    );
    w.on('error', (e) => failAll(e));
    w.on('exit', (code) => failAll(new Error(`report intake worker stopped (exit code ${code})`)));
    return w;
  }

  return {
    write: (reports) =>
      new Promise((resolve, reject) => {
        worker ??= start();
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, reports });
      }),
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
