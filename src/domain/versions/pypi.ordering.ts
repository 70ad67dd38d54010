// PyPI versions: PEP 440 order for what PEP 440 accepts, parsed by @renovatebot/pep440, and the
// setuptools "legacy" order for everything else, which sorts before every PEP 440 version (as
// packaging's LegacyVersion did; the fixtures still carry such versions, e.g. "0.9-doduo").
//
// The library's own compare() re-parses both strings on every call and throws on legacy versions, so
// only its parser is used; the sort key below is packaging's _cmpkey, computed once per string.
import { parse as parsePep440 } from '@renovatebot/pep440';
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareText } from './version-tokens.ts';

interface PyVersion {
  /** Non-null for a legacy (non-PEP 440) version: setuptools' parse_version parts. */
  legacy: string[] | null;
  epoch: number;
  /** Trailing zeros removed, so 1.0 == 1. */
  release: number[];
  /** -1: dev-only release (1.0.dev0 sorts before 1.0a0); 0/1/2: a/b/rc; 3: no pre-release. */
  preRank: number;
  preNumber: number;
  /** -1 when there is no post-release. */
  post: number;
  /** Infinity when there is no dev-release. */
  dev: number;
  /** null when there is no local label. */
  local: (string | number)[] | null;
}

const PRE_RANKS: Record<string, number> = { a: 0, b: 1, rc: 2 };

const LEGACY_PARTS = /(\d+|[a-z]+|\.|-)/;
const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** setuptools' _legacy_cmpkey: zero-padded numbers, "*"-prefixed words, pre-release tags tidied. */
function legacyKey(version: string): string[] {
  const parts: string[] = [];
  const pieces = version.toLowerCase().split(LEGACY_PARTS);
  pieces.push('final');
  for (let piece of pieces) {
    piece = LEGACY_REPLACE[piece] ?? piece;
    if (piece === '' || piece === '.') continue;
    const part = /^\d/.test(piece) ? piece.padStart(8, '0') : `*${piece}`;
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.at(-1) === '*final-') parts.pop();
      while (parts.at(-1) === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

function parsePy(input: string): PyVersion {
  const v = input.trim();
  const parsed = parsePep440(v);
  if (parsed === null) {
    return {
      legacy: legacyKey(v),
      epoch: -1,
      release: [],
      preRank: 3,
      preNumber: 0,
      post: -1,
      dev: 0,
      local: null,
    };
  }
  const release = [...parsed.release];
  while (release.length > 0 && release.at(-1) === 0) release.pop();
  // The library's typings say (string | number)[] and string; at run time these are tuples, arrays or null.
  const pre = parsed.pre as [string, number] | null;
  const post = parsed.post as [string, number] | null;
  const dev = parsed.dev as [string, number] | null;
  const local = parsed.local as unknown as (string | number)[] | null;
  return {
    legacy: null,
    epoch: parsed.epoch,
    release,
    preRank: pre ? (PRE_RANKS[pre[0]] ?? 2) : !post && dev ? -1 : 3,
    preNumber: pre ? pre[1] : 0,
    post: post ? post[1] : -1,
    dev: dev ? dev[1] : Infinity,
    local: Array.isArray(local) ? local : null,
  };
}

function compareLists<T>(a: readonly T[], b: readonly T[], item: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = item(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const compareNumbers = (x: number, y: number): number => (x < y ? -1 : x > y ? 1 : 0);

/** PEP 440 local labels: numbers numerically and above words, words lexically. */
function compareLocalPart(x: string | number, y: string | number): number {
  if (typeof x === 'number' && typeof y === 'number') return compareNumbers(x, y);
  if (typeof x === 'number') return 1;
  if (typeof y === 'number') return -1;
  return compareText(x, y);
}

function comparePy(a: PyVersion, b: PyVersion): number {
  if (a.legacy !== null || b.legacy !== null) {
    if (a.legacy === null) return 1;
    if (b.legacy === null) return -1;
    return compareLists(a.legacy, b.legacy, compareText);
  }
  return (
    compareNumbers(a.epoch, b.epoch) ||
    compareLists(a.release, b.release, compareNumbers) ||
    compareNumbers(a.preRank, b.preRank) ||
    compareNumbers(a.preNumber, b.preNumber) ||
    compareNumbers(a.post, b.post) ||
    compareNumbers(a.dev, b.dev) ||
    (a.local === null || b.local === null
      ? compareNumbers(a.local ? 1 : 0, b.local ? 1 : 0)
      : compareLists(a.local, b.local, compareLocalPart))
  );
}

export const pypiOrdering = (): VersionOrdering =>
  createOrdering<PyVersion>({
    ecosystem: 'PyPI',
    parse: parsePy,
    compare: comparePy,
    isValid: (p) => p.legacy === null,
  });
