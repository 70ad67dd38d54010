// Field changes to a case, checked and turned into a row patch plus the timeline events that record
// them. Which fields an audience may touch is decided by the caller (CaseService.update).
import type { Kysely } from 'kysely';
import { ValidationError, type FieldError } from '../domain/errors.ts';
import { CREDIT_PREFERENCES, REPORT_LIMITS, charLength, isEmail } from '../domain/report.ts';
import {
  OPEN_STATES,
  isCaseState,
  isResolution,
  isSeverity,
  type CaseState,
  type TransitionRequest,
} from '../domain/case-state.ts';
import type { CaseRow, CaseUpdate, Database } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';

export type EventInput = {
  type: string;
  /** `parties`: shown to parties — every party when partyId is unset, else that party only. */
  visibility: 'reporter' | 'internal' | 'parties';
  data?: Record<string, unknown>;
  messageId?: string;
  partyId?: string | null;
};

export interface Changes {
  patch: CaseUpdate;
  events: EventInput[];
  errors: FieldError[];
}

/** The team's changes: title, assignee (a team member) and the needs-info flag (severity: case-severity.ts). */
export async function teamChanges(
  db: Kysely<Database>,
  row: CaseRow,
  raw: Record<string, unknown>,
  { patch, events, errors }: Changes,
) {
  if ('title' in raw) {
    const t = typeof raw.title === 'string' ? raw.title.trim() : '';
    if (charLength(t) < 5 || charLength(t) > REPORT_LIMITS.title)
      errors.push({ field: 'title', message: `5 to ${REPORT_LIMITS.title} characters.` });
    else if (t !== row.title) {
      patch.title = t;
      events.push({ type: 'title.changed', visibility: 'reporter', data: { from: row.title, to: t } });
    }
  }
  if ('assigneeId' in raw) {
    const a = raw.assigneeId === '' ? null : raw.assigneeId;
    if (a !== null && (typeof a !== 'string' || !(await projects.findRole(db, row.project_id, a)))) {
      errors.push({ field: 'assigneeId', message: 'Assign a member of this project’s team.' });
    } else if (a !== row.assignee_id) {
      patch.assignee_id = a as string | null;
      const names = await cases.userNames(db, a ? [a as string] : []);
      events.push({
        type: 'assignee.changed',
        visibility: 'internal',
        data: { assignee: a ? names.get(a as string) : null, assigneeId: a ?? null },
      });
    }
  }
  if ('needsInfo' in raw) {
    const v =
      raw.needsInfo === true || raw.needsInfo === 'true'
        ? true
        : raw.needsInfo === false || raw.needsInfo === 'false'
          ? false
          : null;
    if (v === null) errors.push({ field: 'needsInfo', message: 'true or false.' });
    else if (v && !OPEN_STATES.includes(row.state as CaseState))
      errors.push({ field: 'needsInfo', message: 'Only an open case can wait for information.' });
    else if (v !== (row.needs_info === 1)) {
      patch.needs_info = v ? 1 : 0;
      events.push({ type: 'needs-info.changed', visibility: 'reporter', data: { value: v } });
    }
  }
}

/** The reporter's changes: contact address and how they are credited. */
export function reporterChanges(
  row: CaseRow,
  raw: Record<string, unknown>,
  { patch, events, errors }: Changes,
) {
  if ('reporterEmail' in raw) {
    const e = raw.reporterEmail === '' || raw.reporterEmail === null ? null : raw.reporterEmail;
    if (e !== null && (typeof e !== 'string' || !isEmail(e.trim())))
      errors.push({ field: 'reporterEmail', message: 'Enter a valid e-mail address or leave it empty.' });
    else {
      const v = e === null ? null : (e as string).trim().toLowerCase();
      if (v !== row.reporter_email) {
        patch.reporter_email = v;
        events.push({ type: 'contact.changed', visibility: 'reporter', data: {} });
      }
    }
  }
  if ('creditPreference' in raw || 'creditName' in raw) {
    const pref = 'creditPreference' in raw ? raw.creditPreference : row.credit_preference;
    const name = 'creditName' in raw ? raw.creditName : row.credit_name;
    if (typeof pref !== 'string' || !(CREDIT_PREFERENCES as readonly string[]).includes(pref)) {
      errors.push({ field: 'creditPreference', message: 'Choose name, handle or anonymous.' });
      return;
    }
    const n = pref === 'anonymous' ? null : typeof name === 'string' ? name.trim() : '';
    if (n !== null && (!n || n.length > REPORT_LIMITS.creditName)) {
      errors.push({
        field: 'creditName',
        message: `Give the ${pref} to credit (at most ${REPORT_LIMITS.creditName} characters).`,
      });
      return;
    }
    if (pref !== row.credit_preference || n !== row.credit_name) {
      patch.credit_preference = pref;
      patch.credit_name = n;
      events.push({ type: 'credit.changed', visibility: 'reporter', data: { preference: pref } });
    }
  }
}

/** Checks a transition request's fields; `duplicateOf` names another case of the same project by key. */
export async function parseTransition(
  db: Kysely<Database>,
  row: CaseRow,
  raw: Record<string, unknown>,
): Promise<TransitionRequest> {
  const errors: FieldError[] = [];
  if (!isCaseState(raw.to)) errors.push({ field: 'to', message: 'Unknown state.' });
  if (raw.resolution !== undefined && raw.resolution !== '' && !isResolution(raw.resolution)) {
    errors.push({ field: 'resolution', message: 'Unknown resolution.' });
  }
  if (raw.severity !== undefined && raw.severity !== '' && !isSeverity(raw.severity)) {
    errors.push({ field: 'severity', message: 'Use critical, high, medium or low.' });
  }
  let duplicateOfId: string | undefined;
  if (typeof raw.duplicateOf === 'string' && raw.duplicateOf.trim()) {
    const dup = await cases.findCaseByKey(db, raw.duplicateOf.trim().toUpperCase());
    if (!dup || dup.project_id !== row.project_id || dup.id === row.id) {
      errors.push({
        field: 'duplicateOf',
        message: 'Name another case of this project, e.g. ' + row.key.replace(/\d+$/, '1') + '.',
      });
    } else duplicateOfId = dup.id;
  }
  if (errors.length) throw new ValidationError(errors);
  return {
    to: raw.to as CaseState,
    resolution: isResolution(raw.resolution) ? raw.resolution : undefined,
    severity: isSeverity(raw.severity) ? raw.severity : undefined,
    duplicateOfId,
  };
}
