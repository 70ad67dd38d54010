// Public advisory ids: PREFIX-YYYY-NNNN, numbered per prefix and year in publication order. The
// number grows past four digits when a year needs it (PREFIX-2026-10000).

/** A prefix is 2–20 letters and digits, starting with a letter (e.g. PARLEY, ACME, FLUXSA). */
export const ADVISORY_PREFIX = /^[A-Za-z][A-Za-z0-9]{1,19}$/;

export function formatAdvisoryId(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}

/** True for ids this instance writes with `prefix`. */
export function isOwnAdvisoryId(prefix: string, id: string): boolean {
  return id.startsWith(`${prefix}-`) && /^\d{4}-\d{4,}$/.test(id.slice(prefix.length + 1));
}

/** Ids are case-sensitive; anything outside this set is rejected before it reaches a query. */
export const ADVISORY_ID_CHARS = /^[A-Za-z0-9._:-]{1,128}$/;
