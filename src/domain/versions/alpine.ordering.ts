// Alpine (apk) package versions: number{.number}…{letter}{_suffix{number}}…{~hash}{-r#}. Suffixes sort
// _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p. Strings that don't fit are what
// apk calls invalid; apk still orders them (the fixtures record how) by the parts that do parse, with
// an unparsed remainder below none. Follows osv-scalibr's port of the apk 2.x rules, which the fixture
// file was generated against, with three changes that keep the order transitive where apk allows it:
// - two invalid strings are compared by code units only when every parsed part ties (scalibr does so
//   outright, so "" < "1..2" < "V" < ""),
// - a missing number part reads as "0" under apk's leading-zero rule (scalibr: 1 = 1.0 < 1.00_beta2 < 1),
// - no suffix sits between _rc and _cvs, as apk documents (scalibr weighs it like _cvs).
// Still not transitive, because the fixtures demand both: two invalid strings that tie on every parsed
// part are ordered by code units (0..8 > 0...8), yet a valid version with an unparsed tail equals an
// invalid one with the same parts (1-ruff2 = 1--ruff1).
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareDigits, compareText, stripZeros } from './version-tokens.ts';

interface NumberPart {
  /** As written: apk compares a non-first part with a leading zero as text ("1.02" < "1.1"). */
  original: string;
  value: string;
}

interface AlpineVersion {
  original: string;
  invalid: boolean;
  numbers: NumberPart[];
  letter: string;
  suffixes: { weight: number; number: string }[];
  build: string;
  remainder: string;
}

const SUFFIX_ORDER = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];
const NO_SUFFIX = { weight: SUFFIX_ORDER.indexOf(''), number: '0' };
const NO_NUMBER: NumberPart = { original: '0', value: '0' };

const NUMBERS = /^(?:\d+\.?)*/;
const SUFFIX = /_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)/g;
const HASH = /^~[0-9a-f]+/;
const BUILD = /^-r(\d*)/;

function parseAlpine(original: string): AlpineVersion {
  let s = original;
  const numbers: NumberPart[] = [];
  const run = NUMBERS.exec(s)![0];
  // apk tolerates a dot not followed by a digit; the numbers end there.
  for (const digits of run.split('.')) {
    if (digits === '') break;
    numbers.push({ original: digits, value: stripZeros(digits) });
  }
  s = s.slice(run.length);

  let letter = '';
  const c = s.charCodeAt(0);
  if (c >= 97 && c <= 122) {
    letter = s[0]!;
    s = s.slice(1);
  }

  // Like apk's parser, suffixes are collected wherever they occur but only consumed at the front.
  const suffixes: AlpineVersion['suffixes'] = [];
  for (const m of s.matchAll(SUFFIX)) {
    suffixes.push({ weight: SUFFIX_ORDER.indexOf(m[1]!), number: stripZeros(m[2] || '0') });
    if (s.startsWith(m[0])) s = s.slice(m[0].length);
  }

  const hash = HASH.exec(s);
  if (hash) s = s.slice(hash[0].length);

  let build = '0';
  let invalid = false;
  if (s !== '') {
    const m = BUILD.exec(s);
    if (m) {
      build = stripZeros(m[1] || '0');
      s = s.slice(m[0].length);
    } else {
      invalid = true;
    }
  }
  return { original, invalid, numbers, letter, suffixes, build, remainder: s };
}

/**
 * Part `position` of two versions. A missing part reads as "0" under the same rule, which keeps the
 * order transitive (osv-scalibr compares a missing part numerically, so there 1 = 1.0 < 1.00_beta2 < 1).
 */
function compareNumberParts(a: NumberPart, b: NumberPart, position: number): number {
  if (position !== 0 && (a.original[0] === '0' || b.original[0] === '0')) {
    return compareText(a.original, b.original);
  }
  return compareDigits(a.value, b.value);
}

function compareAlpine(a: AlpineVersion, b: AlpineVersion): number {
  for (let i = 0; i < Math.max(a.numbers.length, b.numbers.length); i++) {
    const c = compareNumberParts(a.numbers[i] ?? NO_NUMBER, b.numbers[i] ?? NO_NUMBER, i);
    if (c !== 0) return c;
  }
  if (a.letter !== b.letter) {
    return a.letter === '' ? -1 : b.letter === '' ? 1 : compareText(a.letter, b.letter);
  }
  for (let i = 0; i < Math.max(a.suffixes.length, b.suffixes.length); i++) {
    const x = a.suffixes[i] ?? NO_SUFFIX;
    const y = b.suffixes[i] ?? NO_SUFFIX;
    const c = x.weight - y.weight || compareDigits(x.number, y.number);
    if (c !== 0) return c;
  }
  const c = compareDigits(a.build, b.build);
  if (c !== 0) return c;
  // An unparsed remainder makes a version lower than the same version without one.
  if ((a.remainder === '') !== (b.remainder === '')) return a.remainder === '' ? 1 : -1;
  return a.invalid && b.invalid ? compareText(a.original, b.original) : 0;
}

export const alpineOrdering = (): VersionOrdering =>
  createOrdering<AlpineVersion>({
    ecosystem: 'Alpine',
    parse: parseAlpine,
    compare: compareAlpine,
    isValid: (p) => !p.invalid && p.remainder === '' && p.numbers.length > 0,
  });
