// Maven versions, in the order of Maven 3's ComparableVersion: tokens split at ".", "-" and at
// digit/letter transitions; known qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga =
// final = release < sp, unknown qualifiers after those (lexically), numbers after qualifiers; trailing
// "null" tokens (0, "", ga, final) trimmed before each hyphen; case-insensitive.
//
// Not the `mvncmp` package: it ports Maven 3.0 and fails the fixture line `1-1 = 1-ga-1`, parses
// numbers with parseInt (distinct 20-digit components compare equal), and only offers
// compare(string, string), so nothing can be cached. This port follows osv-scalibr's, which tracks
// the current ComparableVersion.
//
// Like Maven's own ComparableVersion (and mvncmp), the order is not transitive where a qualifier
// follows a zero component: 1 < 1.0-1 < 1.0.alpha1 < 1. Maven's answers are kept, not a made-up order.
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareDigits, compareText, isDigits, stripZeros } from './version-tokens.ts';

type Prefix = '' | '.' | '-';

interface Token {
  prefix: Prefix;
  /** Lower case; digits zero-stripped; "" for ga/final/release. */
  value: string;
  numeric: boolean;
  /** A padding token standing in for a missing one. */
  isNull: boolean;
}

interface MavenVersion {
  tokens: Token[];
  valid: boolean;
}

const KEYWORDS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const SHORT_QUALIFIERS: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };
const ALIASES: Record<string, string> = { cr: 'rc', ga: '', final: '', release: '' };

function token(prefix: Prefix, raw: string, followedByNumber: boolean): Token {
  let value = raw.toLowerCase() || '0';
  value = ALIASES[value] ?? value;
  // "a1", "b2", "m3" abbreviate alpha/beta/milestone only when a number follows directly.
  if (followedByNumber) value = SHORT_QUALIFIERS[value] ?? value;
  const numeric = isDigits(value);
  return { prefix, value: numeric ? stripZeros(value) : value, numeric, isNull: false };
}

function parseMaven(input: string): MavenVersion {
  const tokens: Token[] = [];
  const pieces = input.split(/([.-])/);
  for (let p = 0; p < pieces.length; p += 2) {
    const piece = pieces[p]!;
    let prefix = (p === 0 ? '' : pieces[p - 1]) as Prefix;
    // Each digit/non-digit transition inside a piece acts as a hyphen.
    const runs = piece.match(/\d+|\D+/g) ?? [''];
    runs.forEach((run, r) => {
      if (r > 0) prefix = '-';
      tokens.push(token(prefix, run, r < runs.length - 1));
    });
  }
  // Trim trailing null tokens, then again before each hyphen, from the end towards the start.
  let i = tokens.length - 1;
  while (i > 0) {
    const t = tokens[i]!;
    if (t.value === '0' || t.value === '') {
      tokens.splice(i, 1);
      i--;
      continue;
    }
    while (i >= 0 && tokens[i]!.prefix !== '-') i--;
    i--;
  }
  return { tokens, valid: input.length > 0 && !/\s/.test(input) };
}

/** The stand-in for a missing token, shaped by the token it is compared with. */
function nullLike(other: Token): Token {
  if (other.prefix === '-') return { prefix: '-', value: '', numeric: false, isNull: true };
  // "sp" is the one qualifier after the release, so against ".sp" the pad must be the release itself.
  const value = other.value === 'sp' ? '' : '0';
  return { prefix: '.', value, numeric: value === '0', isNull: true };
}

/** ".qualifier" < "-qualifier" < "-number" < ".number" when the separators differ. */
function separatorRank(t: Token): number {
  if (t.numeric) return t.prefix === '-' ? 2 : 3;
  return t.prefix === '-' ? 1 : 0;
}

function keywordRank(value: string): number {
  const i = KEYWORDS.indexOf(value);
  return i === -1 ? KEYWORDS.length : i;
}

function compareTokens(a: Token, b: Token): number {
  if (a.prefix !== b.prefix) return separatorRank(a) - separatorRank(b);
  if (a.numeric && b.numeric) return compareDigits(a.value, b.value);
  // Numbers sort after qualifiers, except the padding zero, which is the release ("").
  if (a.numeric && !a.isNull) return 1;
  if (b.numeric && !b.isNull) return -1;
  const x = keywordRank(a.value);
  const y = keywordRank(b.value);
  if (x === KEYWORDS.length && y === KEYWORDS.length) return compareText(a.value, b.value);
  return x - y;
}

function compareMaven(a: MavenVersion, b: MavenVersion): number {
  const n = Math.max(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    const x = a.tokens[i];
    const y = b.tokens[i];
    const left = x ?? nullLike(y!);
    const right = y ?? nullLike(x!);
    if (left.prefix === right.prefix && left.value === right.value) continue;
    return compareTokens(left, right);
  }
  return 0;
}

export const mavenOrdering = (): VersionOrdering =>
  createOrdering<MavenVersion>({
    ecosystem: 'Maven',
    parse: parseMaven,
    compare: compareMaven,
    isValid: (p) => p.valid,
  });
