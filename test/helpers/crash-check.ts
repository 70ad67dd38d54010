// After a crash run: what the database and the SMTP sink hold, checked against what clients were
// told. Read through the app's own connection (openCore), so encrypted columns come back decrypted.
//
// "Whole" (no half-written case) means, from what one intake writes in one transaction:
//   - case numbers of the project are 1..N without gap or repeat, keys are KEY-number, and the
//     project's last_case_number is N (the number allocation committed with the cases);
//   - every case has exactly one `report.created` timeline event;
//   - a web/API case has its notification job (`case.notify-created:<id>`), written with it;
//   - an e-mail case has exactly one inbound_mail record (kind report) pointing at it;
//   - after the drain: every notification job is done, and every case has its team mail in the outbox.
// "Intact" means every acknowledged report reads back with the exact text that was submitted.
import { loadConfig } from '../../src/config.ts';
import { openCore } from '../../src/bootstrap.ts';
import { hashSecret } from '../../src/services/deps.ts';
import * as cases from '../../src/storage/repositories/case.repository.ts';
import { REPORT_CREATED_JOB } from '../../src/services/notify/case-notifier.ts';
import type { Submitted, MailSent } from './crash-load.ts';
import type { SunkMail } from './smtp-sink.ts';

export interface CrashFindings {
  cases: number;
  acknowledged: number;
  /** Acknowledged reports missing, or not matching what was sent. */
  lost: number;
  /** Cases missing a part written in the same transaction. */
  halfWritten: number;
  mailsAcked: number;
  mailCases: number;
  /** Cases opened more than once from one Message-ID. */
  mailDuplicates: number;
  outboxRows: number;
  outboxUnsent: number;
  /** Outbox rows that never reached the sink. */
  outboxLost: number;
  /** Extra copies at the sink (same Message-ID as the original, by construction of the count). */
  outboxDuplicates: number;
  /** Sunk mails whose Message-ID belongs to no outbox row (a re-send under a new id would land here). */
  strangers: number;
  /** Notification jobs claimed more than once (a kill mid-run; run again after the lease). */
  jobsRerun: number;
  /** Outbox rows claimed more than once (a kill mid-delivery). */
  outboxRetried: number;
  problems: string[];
}

export interface DrainState {
  jobsOpen: number;
  outboxOpen: number;
}

function messageIdOfRaw(raw: Buffer): string | undefined {
  const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n')) || raw.length).toString('latin1');
  return /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1];
}

/** Opens the app's core on the server's data (migrations off: the server made the schema). */
export async function openData(env: Record<string, string>) {
  return openCore(loadConfig(env), { migrate: false, poolSize: 2 });
}

/**
 * E-mail outbox rows claimed by a worker and not finished at `at` (call right after a kill): the
 * deliveries that were in flight, the only ones a kill can duplicate.
 */
export async function inFlightDeliveries(env: Record<string, string>, at: Date): Promise<number> {
  const core = await openData(env);
  try {
    const r = await core.handle.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel', '=', 'email')
      .where('status', '=', 'pending')
      .where('locked_until', '>', at.toISOString())
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await core.close();
  }
}

/** Notification jobs and e-mail outbox rows not finished yet (for waiting on the drain). */
export async function drainState(env: Record<string, string>): Promise<DrainState> {
  const core = await openData(env);
  try {
    const db = core.handle.db;
    const j = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', REPORT_CREATED_JOB)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    const o = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel', '=', 'email')
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return { jobsOpen: Number(j.n), outboxOpen: Number(o.n) };
  } finally {
    await core.close();
  }
}

export async function checkCrashRun(opts: {
  env: Record<string, string>;
  slug: string;
  acked: Submitted[];
  mails: MailSent[];
  mailTo?: string;
  sunk: SunkMail[];
}): Promise<CrashFindings> {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < 50) problems.push(p);
  };
  const core = await openData(opts.env);
  try {
    const db = core.handle.db;
    const project = await db
      .selectFrom('projects')
      .select(['id', 'key', 'last_case_number'])
      .where('slug', '=', opts.slug)
      .executeTakeFirstOrThrow();
    const rows = await db
      .selectFrom('cases')
      .select(['id', 'number', 'key', 'channel'])
      .where('project_id', '=', project.id)
      .orderBy('number')
      .execute();
    const half = new Set<string>();
    const broken = (id: string, why: string) => {
      half.add(id);
      note(`case ${id}: ${why}`);
    };
    rows.forEach((r, i) => {
      if (r.number !== i + 1) note(`case numbers are not 1..N: position ${i + 1} holds ${r.number}`);
      if (r.key !== `${project.key}-${r.number}`)
        broken(r.id, `key ${r.key} does not match number ${r.number}`);
    });
    if (Number(project.last_case_number) !== rows.length)
      note(`project last_case_number ${project.last_case_number} but ${rows.length} cases`);

    const created = new Map<string, number>();
    for (const e of await db
      .selectFrom('case_events')
      .innerJoin('cases', 'cases.id', 'case_events.case_id')
      .select(['case_events.case_id'])
      .where('cases.project_id', '=', project.id)
      .where('case_events.type', '=', 'report.created')
      .execute())
      created.set(e.case_id, (created.get(e.case_id) ?? 0) + 1);
    const jobs = new Map<string, string>();
    let jobsRerun = 0;
    for (const j of await db
      .selectFrom('jobs')
      .select(['unique_key', 'status', 'attempts'])
      .where('kind', '=', REPORT_CREATED_JOB)
      .execute()) {
      jobs.set(String(j.unique_key), j.status);
      if (j.attempts > 1) jobsRerun++;
    }
    const inbound = new Map<string, string[]>();
    for (const m of await db
      .selectFrom('inbound_mail')
      .select(['case_id', 'message_id_header'])
      .where('kind', '=', 'report')
      .where('project_id', '=', project.id)
      .execute()) {
      const list = inbound.get(String(m.case_id)) ?? [];
      list.push(String(m.message_id_header));
      inbound.set(String(m.case_id), list);
    }
    const outbox = await db
      .selectFrom('outbox')
      .select(['id', 'case_id', 'kind', 'status', 'attempts'])
      .where('channel', '=', 'email')
      .execute();
    const teamMail = new Set(outbox.filter((o) => o.kind === 'case.new-report').map((o) => o.case_id));

    for (const r of rows) {
      if (created.get(r.id) !== 1) broken(r.id, `${created.get(r.id) ?? 0} report.created events`);
      if (r.channel === 'email') {
        if (inbound.get(r.id)?.length !== 1)
          broken(r.id, `${inbound.get(r.id)?.length ?? 0} inbound_mail records`);
      } else {
        const job = jobs.get(`${REPORT_CREATED_JOB}:${r.id}`);
        if (!job) broken(r.id, 'no notification job');
        else if (job !== 'done') note(`case ${r.id}: notification job ${job} after the drain`);
      }
      if (!teamMail.has(r.id)) note(`case ${r.id}: no team mail in the outbox`);
    }

    // Every acknowledged submission, read back whole.
    let lost = 0;
    for (const a of opts.acked) {
      const row = await cases.findCaseByTokenHash(db, hashSecret(a.token));
      const i = a.input;
      const want: Record<string, unknown> = {
        title: i.title,
        description: i.description,
        steps_to_reproduce: i.stepsToReproduce,
        impact: i.impact,
        affected_versions: i.affectedVersions,
        suggested_fix: i.suggestedFix,
        reporter_email: i.reporterEmail,
        credit_preference: i.creditPreference,
        credit_name: i.creditName || null,
        channel: a.via === 'api' ? 'api' : 'web',
        ...(a.id ? { id: a.id, key: a.key } : {}),
      };
      const diff = row
        ? Object.keys(want).filter((k) => (row as unknown as Record<string, unknown>)[k] !== want[k])
        : ['(missing)'];
      if (diff.length) {
        lost++;
        note(`acknowledged ${a.via} report "${i.title}" lost or changed: ${diff.join(', ')}`);
      }
    }

    // Mail: every acknowledged Message-ID opened exactly one case, with its subject.
    let mailDuplicates = 0;
    let mailsAcked = 0;
    const byMessageId = new Map<string, string[]>();
    for (const [caseId, ids] of inbound)
      for (const id of ids) byMessageId.set(id, [...(byMessageId.get(id) ?? []), caseId]);
    for (const m of opts.mails) {
      const hits = byMessageId.get(m.messageId) ?? [];
      if (hits.length > 1) mailDuplicates += hits.length - 1;
      if (!m.acked) continue;
      mailsAcked++;
      if (!hits.length) {
        lost++;
        note(`mail ${m.messageId} was answered 250 but opened no case`);
        continue;
      }
      const row = await cases.findCaseById(db, hits[0]!);
      if (row?.title !== m.subject || !row.description.includes(m.description)) {
        lost++;
        note(`mail ${m.messageId}: case ${hits[0]} does not hold its subject and text`);
      }
    }

    // Outbox: each row at the sink under its own Message-ID; extra copies counted.
    const sunkById = new Map<string, number>();
    for (const s of opts.sunk) {
      const id = messageIdOfRaw(s.raw) ?? '(none)';
      sunkById.set(id, (sunkById.get(id) ?? 0) + 1);
    }
    const rowIds = new Set(outbox.map((o) => o.id));
    let outboxLost = 0;
    let outboxDuplicates = 0;
    let strangers = 0;
    const sunkRowIds = new Map<string, number>();
    for (const [mid, count] of sunkById) {
      const rowId = /^<([^@>]+)@/.exec(mid)?.[1];
      if (!rowId || !rowIds.has(rowId)) {
        strangers += count;
        note(`sink got ${count} mail(s) with Message-ID ${mid}, which is no outbox row's`);
        continue;
      }
      sunkRowIds.set(rowId, count);
      outboxDuplicates += count - 1;
    }
    const unsent = outbox.filter((o) => o.status !== 'sent');
    for (const o of outbox) {
      if (o.status === 'sent' && !sunkRowIds.has(o.id)) {
        outboxLost++;
        note(`outbox row ${o.id} is marked sent but never reached the sink`);
      }
    }
    for (const o of unsent.slice(0, 5)) note(`outbox row ${o.id} (${o.kind}) is still ${o.status}`);
    return {
      cases: rows.length,
      acknowledged: opts.acked.length,
      lost,
      halfWritten: half.size,
      mailsAcked,
      mailCases: rows.filter((r) => r.channel === 'email').length,
      mailDuplicates,
      outboxRows: outbox.length,
      outboxUnsent: unsent.length,
      outboxLost,
      outboxDuplicates,
      strangers,
      jobsRerun,
      outboxRetried: outbox.filter((o) => o.attempts > 1).length,
      problems,
    };
  } finally {
    await core.close();
  }
}
