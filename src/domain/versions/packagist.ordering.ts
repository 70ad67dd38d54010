// Packagist (Composer) versions, in the order of PHP's version_compare as osv-scalibr implements it:
// a leading v/V is dropped, "-", "_" and "+" become ".", a "." is put between digits and other
// characters, and the parts compare numerically when both are numbers, else by special-form weight:
// anything unknown = dev < alpha/a < beta/b < RC/rc < number ("#") < pl/p. Leftover parts decide
// against a missing one (a number wins; a word is weighed against "#").
// A literal "#" part ties with every number and with a missing part, as in PHP, so versions holding
// one are not transitively ordered (the fixtures want 1.2.3.# = 1.2.3 and 1.2.3.# = 1.2.3.1); Composer
// versions never contain "#".
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareDigits, isDigits, stripZeros } from './version-tokens.ts';

interface ComposerVersion {
  parts: string[];
  valid: boolean;
}

const SPECIAL_FORMS = ['dev', 'a', 'b', 'rc', '#', 'p'];
const NUMBER_WEIGHT = SPECIAL_FORMS.indexOf('#');
const VALID = /^(?:[vV]?\d[0-9A-Za-z._+-]*|dev-\S+)$/;

function canonicalize(v: string): string[] {
  return v
    .replace(/^v/, '')
    .replace(/^V/, '')
    .replace(/[-_+]/g, '.')
    .replace(/([^\d.])(\d)/g, '$1.$2')
    .replace(/(\d)([^\d.])/g, '$1.$2')
    .split('.')
    .map((part) => (isDigits(part) ? stripZeros(part) : part));
}

/** Prefix match, as PHP's strncmp-based lookup does ("alpha" → "a", "patch" → "p"). */
function specialWeight(part: string): number {
  if (part.startsWith('RC')) return SPECIAL_FORMS.indexOf('rc');
  const i = SPECIAL_FORMS.findIndex((form) => part.startsWith(form));
  return i === -1 ? 0 : i;
}

function compareParts(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xNum = isDigits(x);
    const yNum = isDigits(y);
    const c =
      xNum && yNum
        ? compareDigits(x, y)
        : (xNum ? NUMBER_WEIGHT : specialWeight(x)) - (yNum ? NUMBER_WEIGHT : specialWeight(y));
    if (c !== 0) return c;
  }
  if (a.length > b.length) return isDigits(a[b.length]!) ? 1 : compareParts(a.slice(b.length), ['#']);
  if (a.length < b.length) return isDigits(b[a.length]!) ? -1 : compareParts(['#'], b.slice(a.length));
  return 0;
}

export const packagistOrdering = (): VersionOrdering =>
  createOrdering<ComposerVersion>({
    ecosystem: 'Packagist',
    parse: (v) => ({ parts: canonicalize(v.trim()), valid: VALID.test(v) }),
    compare: (a, b) => compareParts(a.parts, b.parts),
    isValid: (p) => p.valid,
  });
