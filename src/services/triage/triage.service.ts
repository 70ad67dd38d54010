// Triage aids against low-quality reports: duplicate suggestions, bulk closing (as spam, typically),
// and the spam markers of the inbox. Access is checked per case, as everywhere: a case the actor
// cannot see is "not found", whichever id they send.
import { ConflictError, DomainError, ValidationError } from '../../domain/errors.ts';
import { loadCase, requireCaseTeam, requireUser } from '../access.ts';
import type { Actor } from '../actor.ts';
import type { ServiceDeps } from '../deps.ts';
import type { CaseService } from '../case.service.ts';
import { recordAudit } from '../audit/audit-log.ts';
import * as triage from '../../storage/repositories/triage.repository.ts';
import { SimilarCases, type SimilarCase } from './similar-cases.ts';
import { reporterOf, visibleProjectIds } from './reporter-history.ts';

/** Cases closed by one bulk request at most; a page of the inbox is 50. */
export const BULK_CLOSE_MAX = 100;
/** Resolutions a bulk close may give: the ones that need nothing else (no duplicate-of, no fix). */
export const BULK_RESOLUTIONS = ['spam', 'not-a-vulnerability', 'out-of-scope', 'informative'] as const;

export interface BulkCloseItem {
  id: string;
  key: string | null;
  /** `closed`, or why not: `not-found`, `forbidden`, `invalid-transition` (e.g. already closed), `conflict`. */
  status: string;
  message?: string;
}

export interface BulkCloseResult {
  batch: string;
  resolution: string;
  closed: number;
  failed: number;
  results: BulkCloseItem[];
}

export class TriageService {
  private readonly similar: SimilarCases;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly cases: CaseService,
  ) {
    this.similar = new SimilarCases(deps.db);
  }

  /** Open and recent cases of the same project that look like this one, best first. Team only. */
  async similarCases(actor: Actor, ref: { id?: string; key?: string }): Promise<SimilarCase[]> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'read');
    return this.similar.similarTo(row, this.deps.clock.now());
  }

  /** The cases a bulk close would touch, for its confirmation page: the ones the actor may close. */
  async bulkPreview(actor: Actor, rawIds: unknown, resolution?: unknown) {
    requireUser(actor);
    parseResolution(resolution);
    const ids = parseIds(rawIds);
    const out: Array<{ id: string; key: string; title: string; state: string }> = [];
    for (const id of ids) {
      try {
        const { row, access } = await loadCase(this.deps.db, actor, { id });
        if (access.as === 'team') out.push({ id: row.id, key: row.key, title: row.title, state: row.state });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
      }
    }
    return out;
  }

  /**
   * Closes each case with the resolution, independently: one that cannot be closed (not found, not
   * the actor's, already closed) is reported and the others still close. Every closure is a normal
   * transition (timeline, audit `case.state-changed`); the batch is audited as `case.bulk-closed`.
   * A spam closure sends the reporter no mail (see case-notifier.ts): no backscatter to spammers.
   */
  async bulkClose(
    actor: Actor,
    input: { ids?: unknown; resolution?: unknown },
    meta: { ip?: string } = {},
  ): Promise<BulkCloseResult> {
    requireUser(actor);
    const ids = parseIds(input.ids);
    const resolution = parseResolution(input.resolution);
    const batch = this.deps.random.uuid();
    const results: BulkCloseItem[] = [];
    const projects = new Set<string>();
    for (const id of ids) {
      try {
        const view = await this.cases.transition(actor, isKey(id) ? { key: id } : { id }, {
          to: 'closed',
          resolution,
        });
        results.push({ id: view.id, key: view.key, status: 'closed' });
        projects.add(view.project.slug);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        const status =
          e instanceof ConflictError ? e.code : e.code === 'validation-error' ? 'invalid' : e.code;
        results.push({ id, key: null, status, message: e.message });
      }
    }
    const closed = results.filter((r) => r.status === 'closed');
    if (closed.length) {
      await recordAudit(this.deps.db, this.deps, {
        action: 'case.bulk-closed',
        actor,
        ip: meta.ip ?? null,
        target: closed
          .map((r) => r.key)
          .join(', ')
          .slice(0, 500),
        data: {
          batch,
          resolution,
          projects: [...projects],
          closed: closed.map((r) => r.key),
          failed: results.length - closed.length,
        },
      });
    }
    return { batch, resolution, closed: closed.length, failed: results.length - closed.length, results };
  }

  /**
   * Ids of the given cases whose reporter has cases closed as spam (in the actor's projects, or
   * anywhere for an instance admin) — other than the case itself. For the inbox marker.
   */
  async spamMarkers(actor: Actor, caseIds: string[]): Promise<Set<string>> {
    const user = requireUser(actor);
    const reporters = await triage.reportersOfCases(this.deps.db, caseIds);
    const who = reporters.map((r) => ({ id: r.id, key: reporterOf(r) }));
    const emails = [...new Set(who.flatMap((w) => (w.key && 'email' in w.key ? [w.key.email] : [])))];
    const userIds = [...new Set(who.flatMap((w) => (w.key && 'userId' in w.key ? [w.key.userId] : [])))];
    const spam = await triage.spamCasesOf(
      this.deps.db,
      emails,
      userIds,
      await visibleProjectIds(this.deps.db, user),
    );
    const out = new Set<string>();
    for (const w of who) {
      if (!w.key) continue;
      const k = w.key;
      const hit = spam.some(
        (s) =>
          s.id !== w.id &&
          ('userId' in k ? s.reporter_user_id === k.userId : s.reporter_email?.toLowerCase() === k.email),
      );
      if (hit) out.add(w.id);
    }
    return out;
  }
}

function parseResolution(raw: unknown): string {
  const resolution = raw ?? 'spam';
  if (typeof resolution !== 'string' || !(BULK_RESOLUTIONS as readonly string[]).includes(resolution))
    throw new ValidationError([
      { field: 'resolution', message: `Use one of: ${BULK_RESOLUTIONS.join(', ')}.` },
    ]);
  return resolution;
}

function isKey(v: string): boolean {
  return /^[A-Z][A-Z0-9]{1,15}-[1-9][0-9]{0,9}$/.test(v);
}

/** Case ids (or keys) from a request: a list of 1..BULK_CLOSE_MAX strings, duplicates dropped. */
function parseIds(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' && raw ? [raw] : [];
  if (!list.length) throw new ValidationError([{ field: 'ids', message: 'Select at least one case.' }]);
  if (list.length > BULK_CLOSE_MAX)
    throw new ValidationError([{ field: 'ids', message: `At most ${BULK_CLOSE_MAX} cases at a time.` }]);
  if (!list.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 64))
    throw new ValidationError([{ field: 'ids', message: 'Each id is a case id or key.' }]);
  return [...new Set(list as string[])];
}
