// Small building blocks shared by the per-ecosystem version orderings. Numbers are kept as digit
// strings and compared by length, then lexically: OSV data (and the osv-scalibr fixtures) carry
// components of 30 digits and more, which Number would silently round to the same value.

/** `digits` without leading zeros ("007" → "7", "000" → "0"). */
export function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return i === 0 ? digits : digits.slice(i);
}

/** Numeric order of two digit strings already passed through stripZeros. */
export function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code-unit order (what Go's strings.Compare and C's strcmp do for ASCII), unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** One dot-separated identifier of a pre-release or build label (SemVer §9–11). */
export interface Identifier {
  numeric: boolean;
  /** Zero-stripped digits when numeric, else the text as written. */
  text: string;
}

export function toIdentifiers(label: string): Identifier[] {
  if (label === '') return [];
  return label
    .split('.')
    .map((part) =>
      isDigits(part) ? { numeric: true, text: stripZeros(part) } : { numeric: false, text: part },
    );
}

/**
 * SemVer §11.4 precedence of identifier lists: numbers numerically, text lexically, a number before
 * text, and a longer list after its own prefix.
 */
export function compareIdentifiers(a: readonly Identifier[], b: readonly Identifier[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let c: number;
    if (x.numeric && y.numeric) c = compareDigits(x.text, y.text);
    else if (x.numeric !== y.numeric) c = x.numeric ? -1 : 1;
    else c = compareText(x.text, y.text);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Lexicographic order of digit lists, a longer list after its own prefix (Haskell's `compare` on lists). */
export function compareDigitLists(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
