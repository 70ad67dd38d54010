// Batched report intake. Reports that arrive together are written by one transaction: one case-number
// allocation per project (UPDATE … + n), one insert per case and per first timeline event, one commit
// (one fsync on SQLite with synchronous=FULL). A report's promise settles only after the commit that
// holds it, so an answer given after it follows a durable commit. If a batch fails, its reports are
// retried one by one, so one bad report fails alone and the others still get gap-free numbers.
// Where a batch is written is pluggable: Kysely on the shared connection (PostgreSQL: one lock on the
// project row per batch instead of one per report), or a worker thread on SQLite
// (sqlite-intake-worker.ts) so that inserts and fsync never block the event loop.
import type { Insertable, Kysely } from 'kysely';
import type { CaseEventsTable, Database, JobsTable, NewCaseRow } from './schema.ts';
import * as projects from './repositories/project.repository.ts';
import * as cases from './repositories/case.repository.ts';
import { insertJobs } from './repositories/job.repository.ts';
import { formatCaseKey } from '../domain/report.ts';

export interface NewReport {
  /** The case row without its number and key, which the batch assigns. */
  row: Omit<NewCaseRow, 'number' | 'key'>;
  projectKey: string;
  /** The `report.created` event, without its case id. */
  event: Omit<Insertable<CaseEventsTable>, 'case_id'>;
  /**
   * A job written in the same transaction (the notifications of the new report), so a committed
   * report always has its notifications coming, even if the process dies right after the commit.
   */
  job?: Insertable<JobsTable>;
}

export interface AssignedKey {
  number: number;
  key: string;
}

export type ReportWriter = (report: NewReport) => Promise<AssignedKey>;
/** Writes and commits a whole batch in one transaction, answering each report's key in order. */
export type ReportBatchWriter = (reports: NewReport[]) => Promise<AssignedKey[]>;

/** Upper bound on one batch, which keeps every multi-row statement far below parameter limits. */
const MAX_BATCH = 200;
/**
 * Batches being written at once. One: the next batch forms while the current one commits. Two in
 * flight (the writer never waiting for the next batch) measured no better on the bench, within noise.
 */
const MAX_IN_FLIGHT = 1;

interface Pending {
  report: NewReport;
  resolve(v: AssignedKey): void;
  reject(e: unknown): void;
}

/** Counts the reports of each project in a batch. */
export function countByProject(reports: NewReport[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of reports) counts.set(r.row.project_id, (counts.get(r.row.project_id) ?? 0) + 1);
  return counts;
}

/**
 * Numbers a batch gap-free per project, in batch order, given each project's last number after the
 * batch's allocation (sqlite-intake.worker.js applies the same rule).
 */
export function assignNumbers(reports: NewReport[], lastAfter: Map<string, number>): AssignedKey[] {
  const counts = countByProject(reports);
  const seen = new Map<string, number>();
  return reports.map((r) => {
    const p = r.row.project_id;
    const i = seen.get(p) ?? 0;
    seen.set(p, i + 1);
    const number = lastAfter.get(p)! - counts.get(p)! + 1 + i;
    return { number, key: formatCaseKey(r.projectKey, number) };
  });
}

/** The batch writer on the Kysely connection: used for PostgreSQL (and in-memory SQLite). */
export function kyselyBatchWriter(db: Kysely<Database>): ReportBatchWriter {
  return (reports) =>
    db.transaction().execute(async (trx) => {
      const lasts = new Map<string, number>();
      // Sequential on purpose: one transaction is one connection.
      for (const [projectId, count] of countByProject(reports)) {
        lasts.set(projectId, await projects.allocateCaseNumbers(trx, projectId, count));
      }
      const assigned = assignNumbers(reports, lasts);
      await cases.insertCases(
        trx,
        reports.map((r, i) => ({ ...r.row, number: assigned[i]!.number, key: assigned[i]!.key })),
      );
      await cases.insertEvents(
        trx,
        reports.map((r) => ({ ...r.event, case_id: r.row.id })),
      );
      const jobRows = reports.flatMap((r) => (r.job ? [r.job] : []));
      if (jobRows.length) await insertJobs(trx, jobRows);
      return assigned;
    });
}

export function reportWriter(
  writeBatch: ReportBatchWriter,
  observe?: (batchSize: number) => void,
): ReportWriter {
  const queue: Pending[] = [];

  async function write(batch: Pending[]) {
    const assigned = await writeBatch(batch.map((p) => p.report));
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

  let inFlight = 0;
  let scheduled = false;

  /** Sends queued reports while fewer than MAX_IN_FLIGHT batches are being written. */
  function pump() {
    while (inFlight < MAX_IN_FLIGHT && queue.length) {
      const batch = queue.splice(0, MAX_BATCH);
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return (report) =>
    new Promise((resolve, reject) => {
      queue.push({ report, resolve, reject });
      if (scheduled) return;
      scheduled = true;
      // Wait for the end of this event-loop turn, so that every request read in it joins the batch.
      setImmediate(() => {
        scheduled = false;
        pump();
      });
    });
}
