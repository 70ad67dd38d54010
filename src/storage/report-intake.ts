// Batched report intake. Reports that arrive together are written by one transaction: one case-number
// allocation per project (UPDATE … + n), one multi-row INSERT for the cases and one for their first
// timeline events, one commit (one fsync on SQLite with synchronous=FULL). A report's promise
// settles only after the commit that holds it, so an answer given after it follows a durable commit.
// If a batch fails, its reports are retried one by one, so one bad report fails alone and the others
// still get gap-free numbers. The same code runs on both dialects: on PostgreSQL it also means one
// lock on the project row per batch instead of one per report.
import type { Insertable, Kysely } from 'kysely';
import type { CaseEventsTable, Database, NewCaseRow } from './schema.ts';
import * as projects from './repositories/project.repository.ts';
import * as cases from './repositories/case.repository.ts';
import { formatCaseKey } from '../domain/report.ts';

export interface NewReport {
  /** The case row without its number and key, which the batch assigns. */
  row: Omit<NewCaseRow, 'number' | 'key'>;
  projectKey: string;
  /** The `report.created` event, without its case id. */
  event: Omit<Insertable<CaseEventsTable>, 'case_id'>;
}

export type ReportWriter = (report: NewReport) => Promise<{ number: number; key: string }>;

/** Upper bound on one batch, which keeps every multi-row statement far below parameter limits. */
const MAX_BATCH = 200;

interface Pending {
  report: NewReport;
  resolve(v: { number: number; key: string }): void;
  reject(e: unknown): void;
}

export function reportWriter(db: Kysely<Database>, observe?: (batchSize: number) => void): ReportWriter {
  const queue: Pending[] = [];
  let draining = false;

  async function write(batch: Pending[]) {
    const assigned = await db.transaction().execute(async (trx) => {
      const numbers = new Map<Pending, number>();
      const byProject = new Map<string, Pending[]>();
      for (const p of batch) {
        const list = byProject.get(p.report.row.project_id) ?? [];
        list.push(p);
        byProject.set(p.report.row.project_id, list);
      }
      for (const [projectId, list] of byProject) {
        const last = await projects.allocateCaseNumbers(trx, projectId, list.length);
        list.forEach((p, i) => numbers.set(p, last - list.length + 1 + i));
      }
      const out = batch.map((p) => {
        const number = numbers.get(p)!;
        return { number, key: formatCaseKey(p.report.projectKey, number) };
      });
      await cases.insertCases(
        trx,
        batch.map((p, i) => ({ ...p.report.row, number: out[i]!.number, key: out[i]!.key })),
      );
      await cases.insertEvents(
        trx,
        batch.map((p) => ({ ...p.report.event, case_id: p.report.row.id })),
      );
      return out;
    });
    observe?.(batch.length);
    batch.forEach((p, i) => p.resolve(assigned[i]!));
  }

  async function runBatch(batch: Pending[]) {
    try {
      await write(batch);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // Nothing of the batch was committed; find the culprit by writing each report alone.
      for (const p of batch) {
        try {
          await write([p]);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }

  async function drain() {
    try {
      while (queue.length) await runBatch(queue.splice(0, MAX_BATCH));
    } finally {
      draining = false;
    }
  }

  return (report) =>
    new Promise((resolve, reject) => {
      queue.push({ report, resolve, reject });
      if (draining) return;
      draining = true;
      // SQLite calls are synchronous: without waiting for the end of this event-loop turn, each
      // request would commit alone before the next one is even read.
      setImmediate(() => void drain());
    });
}
