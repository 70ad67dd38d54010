// A case's embargo: the moment the details may go public, set as a local date-time in an IANA time
// zone. Everyone sees it the same way — in the zone it was set in, with the UTC offset, and in UTC —
// so that nobody working across time zones misreads a deadline. No I/O.
import { DateTime } from 'luxon';
import type { FieldError } from './errors.ts';

export interface EmbargoView {
  /** The UTC instant (ISO-8601). */
  endsAt: string;
  zone: string;
  /** `2026-12-01 09:00` in the zone. */
  local: string;
  /** `UTC+01:00` at that instant. */
  offset: string;
  /** `2026-12-01 08:00 UTC`. */
  utc: string;
  ended: boolean;
}

export function describeEmbargo(endsAt: string | null, zone: string | null, now: Date): EmbargoView | null {
  if (!endsAt) return null;
  const z = zone || 'UTC';
  const t = DateTime.fromISO(endsAt, { zone: 'utc' });
  if (!t.isValid) return null;
  const local = t.setZone(z);
  return {
    endsAt: t.toISO()!,
    zone: z,
    local: local.toFormat('yyyy-MM-dd HH:mm'),
    offset: `UTC${local.toFormat('ZZ')}`,
    utc: `${t.toFormat('yyyy-MM-dd HH:mm')} UTC`,
    ended: t.toMillis() <= now.getTime(),
  };
}

/** One line for mail and plain text: `2026-12-01 09:00 Europe/Berlin (UTC+01:00; 2026-12-01 08:00 UTC)`. */
export function embargoLine(e: EmbargoView): string {
  return `${e.local} ${e.zone} (${e.offset}; ${e.utc})`;
}

/**
 * Parses an embargo end given as a local date-time (`2026-12-01T09:00`) in `zone`. It must lie in
 * the future and at most `maxDays` (the policy's longest embargo) after the report arrived.
 */
export function parseEmbargo(
  input: { at?: unknown; zone?: unknown },
  now: Date,
  reportedAt: Date,
  maxDays: number,
): { endsAt: string; zone: string } | { errors: FieldError[] } {
  const zone = typeof input.zone === 'string' && input.zone.trim() ? input.zone.trim() : 'UTC';
  if (!DateTime.now().setZone(zone).isValid)
    return { errors: [{ field: 'zone', message: `"${zone}" is not a time zone (use e.g. Europe/Berlin).` }] };
  const when =
    typeof input.at === 'string' && input.at.trim()
      ? DateTime.fromISO(input.at.trim(), { zone })
      : DateTime.invalid('missing');
  if (!when.isValid)
    return { errors: [{ field: 'at', message: 'Give a date and time such as 2026-12-01T09:00.' }] };
  const n = DateTime.fromJSDate(now);
  if (when <= n) return { errors: [{ field: 'at', message: 'The embargo must end in the future.' }] };
  const latest = DateTime.fromJSDate(reportedAt).plus({ days: maxDays });
  if (when > latest)
    return {
      errors: [
        {
          field: 'at',
          message: `The policy allows an embargo of at most ${maxDays} days after the report (until ${latest.setZone(zone).toFormat('yyyy-MM-dd HH:mm')} ${zone}).`,
        },
      ],
    };
  return { endsAt: when.toUTC().toISO()!, zone };
}
