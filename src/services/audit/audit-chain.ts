// The audit log's hash chain. Each entry's hash covers its predecessor's hash and every field of
// the entry in a fixed order, so changing, deleting or reordering any entry breaks every later link;
// `parley audit verify` recomputes the chain and names the first entry that does not match.
import crypto from 'node:crypto';

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFields {
  at: string;
  action: string;
  actor_kind: 'user' | 'reporter' | 'system' | 'anonymous';
  actor_user_id: string | null;
  actor_label: string | null;
  ip: string | null;
  project_id: string | null;
  case_id: string | null;
  target: string | null;
  data: string;
}

/** sha256(prev_hash ‖ JSON array of the fields in a fixed order), hex. */
export function auditHash(prevHash: string, f: AuditFields): string {
  const canonical = JSON.stringify([
    f.at,
    f.action,
    f.actor_kind,
    f.actor_user_id,
    f.actor_label,
    f.ip,
    f.project_id,
    f.case_id,
    f.target,
    f.data,
  ]);
  return crypto.createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}
