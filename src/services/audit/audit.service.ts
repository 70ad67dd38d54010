// The audit log for instance admins and operators: verifying the hash chain (streamed in pages, so
// memory stays flat however long the log is), the chain's head (to record outside this server), and
// the filtered, paged listing behind /admin/audit, GET /api/v1/audit and `parley audit list`.
//
// What verification proves: every entry still has the content it was written with (its hash), and
// no entry was removed, inserted or reordered before the newest one (each entry names its
// predecessor's hash). It cannot notice the newest entries being cut off, nor a chain rewritten and
// re-hashed from some entry on by someone with write access to the database: both leave a valid
// chain. Against those, record the head (id and hash) elsewhere and verify against it later
// (`--expect ID:HASH`): that entry must still be there, unchanged, and so must everything before it.
import { ValidationError } from '../../domain/errors.ts';
import type { AuditLogRow } from '../../storage/schema.ts';
import * as audit from '../../storage/repositories/audit.repository.ts';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import { requireAdmin } from '../access.ts';
import { auditHash, GENESIS_HASH } from './audit-chain.ts';
import { parseAuditFilters, type AuditFilterInput, type AuditFilterValues } from './audit-filters.ts';

/** Entries read per query while verifying. */
export const VERIFY_PAGE = 2000;

export type BreakReason =
  /** The entry's fields do not hash to its stored hash: it was changed after it was written. */
  | 'hash-mismatch'
  /**
   * The entry's prev_hash is not its predecessor's hash: an entry before it was deleted, inserted or
   * moved, or its predecessor was changed and re-hashed.
   */
  | 'link-mismatch'
  /** The entry the operator recorded (--expect) now has another hash. */
  | 'anchor-mismatch'
  /** The entry the operator recorded is gone: the newest entries were cut off (or it was deleted). */
  | 'anchor-missing';

export interface AuditHead {
  id: number;
  at: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries checked up to the first break (all of them when ok). */
  checked: number;
  /** The newest entry; record its id and hash elsewhere to detect a cut-off tail later. */
  head: AuditHead | null;
  firstBroken?: {
    id: number;
    at: string | null;
    action: string | null;
    reason: BreakReason;
    /** In words, for the operator. */
    detail: string;
  };
}

export interface AuditEntryView {
  id: number;
  at: string;
  action: string;
  actor: { kind: string; userId: string | null; label: string | null };
  ip: string | null;
  project: { id: string; slug: string | null } | null;
  case: { id: string; key: string | null } | null;
  target: string | null;
  /** The details recorded with the action (parsed JSON; the raw text if it is not JSON). */
  data: unknown;
  hash: string;
}

export interface AuditListing {
  items: AuditEntryView[];
  filters: AuditFilterValues;
  /** Cursor for the next older page (`before=`), when there are older matching entries. */
  older: number | null;
  /** Cursor for the next newer page (`after=`), when there are newer matching entries. */
  newer: number | null;
}

function present(r: audit.AuditListRow): AuditEntryView {
  let data: unknown;
  try {
    data = JSON.parse(r.data);
  } catch {
    data = r.data;
  }
  return {
    id: r.id,
    at: r.at,
    action: r.action,
    actor: { kind: r.actor_kind, userId: r.actor_user_id, label: r.actor_label },
    ip: r.ip,
    project: r.project_id ? { id: r.project_id, slug: r.project_slug } : null,
    case: r.case_id ? { id: r.case_id, key: r.case_key } : null,
    target: r.target,
    data,
    hash: r.hash,
  };
}

const headOf = (r: AuditLogRow | undefined): AuditHead | null =>
  r ? { id: r.id, at: r.at, hash: r.hash } : null;

/** `ID:HASH` as printed by `parley audit verify`. */
export function parseAnchor(raw: string): { id: number; hash: string } {
  const m = /^#?(\d{1,15}):([0-9a-f]{64})$/i.exec(raw.trim());
  if (!m)
    throw new ValidationError([
      { field: 'expect', message: 'Give ID:HASH as printed by `parley audit verify`.' },
    ]);
  return { id: Number(m[1]), hash: m[2]!.toLowerCase() };
}

export class AuditService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Walks the whole chain in id order and names the first entry that breaks it. `expect` is a head
   * recorded earlier: that entry must still exist with that hash.
   */
  async verify(
    actor: Actor | 'system',
    opts: {
      expect?: { id: number; hash: string };
      pageSize?: number;
      /** Called after each page with the entries checked so far (progress, measurements). */
      onPage?: (checked: number) => void;
    } = {},
  ): Promise<AuditVerification> {
    if (actor !== 'system') requireAdmin(actor);
    const pageSize = opts.pageSize ?? VERIFY_PAGE;
    let prevHash = GENESIS_HASH;
    let prevId = 0;
    let checked = 0;
    let anchorSeen = false;
    const broken = (r: AuditLogRow, reason: BreakReason, detail: string): AuditVerification => ({
      ok: false,
      checked,
      head: null,
      firstBroken: { id: r.id, at: r.at, action: r.action, reason, detail },
    });
    let result: AuditVerification | undefined;
    walk: for (;;) {
      const rows = await audit.auditPage(this.deps.db, prevId, pageSize);
      for (const r of rows) {
        if (r.prev_hash !== prevHash) {
          const missing = r.id - prevId - 1;
          const where =
            prevId === 0
              ? 'it is the first entry but does not link to the start of the chain: entries before it were deleted'
              : `it does not link to entry #${prevId} before it: an entry between them was deleted or moved, or #${prevId} was changed and re-hashed`;
          const gap = missing > 0 ? ` (ids ${prevId + 1}–${r.id - 1} are missing)` : '';
          result = broken(r, 'link-mismatch', `${where}${gap}.`);
          break walk;
        }
        if (auditHash(r.prev_hash, r) !== r.hash) {
          result = broken(
            r,
            'hash-mismatch',
            'its content does not match its hash: it was changed after it was written.',
          );
          break walk;
        }
        if (opts.expect && r.id === opts.expect.id) {
          anchorSeen = true;
          if (r.hash !== opts.expect.hash) {
            result = broken(
              r,
              'anchor-mismatch',
              `its hash is not the one recorded (${opts.expect.hash}): the chain up to it was rewritten.`,
            );
            break walk;
          }
        }
        prevHash = r.hash;
        prevId = r.id;
        checked++;
      }
      opts.onPage?.(checked);
      if (rows.length < pageSize) break;
    }
    const head = headOf(await audit.auditHead(this.deps.db));
    if (result) return { ...result, head };
    if (opts.expect && !anchorSeen) {
      return {
        ok: false,
        checked,
        head,
        firstBroken: {
          id: opts.expect.id,
          at: null,
          action: null,
          reason: 'anchor-missing',
          detail: `the recorded entry #${opts.expect.id} is gone: the newest entries were removed${
            head ? ` (the chain now ends at #${head.id})` : ' (the log is empty)'
          }.`,
        },
      };
    }
    return { ok: true, checked, head };
  }

  /** The newest entry (admins). */
  async head(actor: Actor): Promise<AuditHead | null> {
    requireAdmin(actor);
    return headOf(await audit.auditHead(this.deps.db));
  }

  /** Matching entries, newest first, a page at a time (instance admins; the CLI as 'system'). */
  async list(actor: Actor | 'system', input: AuditFilterInput): Promise<AuditListing> {
    if (actor !== 'system') requireAdmin(actor);
    const { query, values } = await parseAuditFilters(this.deps.db, input);
    const rows = await audit.listAudit(this.deps.db, query);
    const { beforeId: _b, afterId: _a, limit: _l, ...filters } = query;
    const newest = rows[0]?.id;
    const oldest = rows.at(-1)?.id;
    // Paging links only where there is something: older than this page's oldest, newer than its newest.
    const older =
      oldest !== undefined && (await audit.auditExists(this.deps.db, { ...filters, beforeId: oldest }))
        ? oldest
        : null;
    const newer =
      newest !== undefined && (await audit.auditExists(this.deps.db, { ...filters, afterId: newest }))
        ? newest
        : null;
    return { items: rows.map(present), filters: values, older, newer };
  }
}
