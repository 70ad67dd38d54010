// Worker thread that writes report batches to the SQLite file on its own connection, so that the
// inserts and the fsync of each commit (synchronous=FULL) never block the server's event loop.
// Plain JavaScript on purpose: worker threads do not inherit the tsx loader on every Node version.
// Messages in: { id, reports: NewReport[] } (see report-intake.ts). Out: { id, ok, assigned } or
// { id, ok: false, message, code }. The numbering rule is the one of report-intake.ts assignNumbers.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const db = new SQLite(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

const CASE_COLUMNS = [
  'id',
  'project_id',
  'number',
  'key',
  'title',
  'description',
  'steps_to_reproduce',
  'impact',
  'affected_versions',
  'suggested_fix',
  'reporter_email',
  'reporter_pgp_key',
  'reporter_user_id',
  'reporter_token_hash',
  'credit_preference',
  'credit_name',
  'channel',
  'state',
  'needs_info',
  'created_at',
  'updated_at',
  'policy_version',
  'version_status',
  'scope_category',
  'next_due_at',
];
// Columns with a schema default: an explicit NULL would bypass it.
const CASE_DEFAULTS = { policy_version: 0 };
const EVENT_COLUMNS = [
  'case_id',
  'at',
  'type',
  'actor_kind',
  'actor_user_id',
  'visibility',
  'message_id',
  'data',
];

const JOB_COLUMNS = [
  'id',
  'kind',
  'payload',
  'status',
  'run_at',
  'attempts',
  'max_attempts',
  'unique_key',
  'created_at',
];

const insert = (table, columns) =>
  db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
const allocate = db.prepare(
  'UPDATE projects SET last_case_number = last_case_number + ? WHERE id = ? RETURNING last_case_number',
);
const insertCase = insert('cases', CASE_COLUMNS);
const insertEvent = insert('case_events', EVENT_COLUMNS);
const insertJob = db.prepare(
  `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES (${JOB_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (unique_key) DO NOTHING`,
);

const writeBatch = db.transaction((reports) => {
  const counts = new Map();
  for (const r of reports) counts.set(r.row.project_id, (counts.get(r.row.project_id) ?? 0) + 1);
  const next = new Map();
  for (const [projectId, count] of counts) {
    const row = allocate.get(count, projectId);
    if (!row) throw Object.assign(new Error(`no project ${projectId}`), { code: 'PARLEY_NO_PROJECT' });
    next.set(projectId, row.last_case_number - count + 1);
  }
  return reports.map((r) => {
    const number = next.get(r.row.project_id);
    next.set(r.row.project_id, number + 1);
    const key = `${r.projectKey}-${number}`;
    const row = { ...r.row, number, key };
    insertCase.run(CASE_COLUMNS.map((c) => row[c] ?? CASE_DEFAULTS[c] ?? null));
    const event = { ...r.event, case_id: r.row.id };
    insertEvent.run(EVENT_COLUMNS.map((c) => event[c] ?? null));
    if (r.job) insertJob.run(JOB_COLUMNS.map((c) => r.job[c] ?? null));
    return { number, key };
  });
});

parentPort.on('message', ({ id, reports }) => {
  try {
    // IMMEDIATE: take the write lock at BEGIN, so the transaction never fails to upgrade later.
    parentPort.postMessage({ id, ok: true, assigned: writeBatch.immediate(reports) });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, message: e?.message ?? String(e), code: e?.code });
  }
});
