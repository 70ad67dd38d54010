// RubyGems versions, in the order of Gem::Version#<=>: "-" reads as ".pre.", the string splits into
// runs of digits and of letters, trailing zeros are dropped from the numeric head and from the rest,
// and segments compare pairwise (missing = 0), numbers numerically, text by code units, and any text
// before any number (so 1.0.a < 1.0).
//
// Validity comes from @renovatebot/ruby-semver, but not the comparison: it parses numbers with
// parseInt (the fixture's 30-digit versions compare equal) and throws on strings Gem::Version
// rejects ("1beta"), which the fixtures still order.
import { valid as rubyValid } from '@renovatebot/ruby-semver';
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareDigits, compareText, isDigits, stripZeros } from './version-tokens.ts';

interface Segment {
  numeric: boolean;
  text: string;
}

interface GemVersion {
  segments: Segment[];
  valid: boolean;
}

const ZERO: Segment = { numeric: true, text: '0' };

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && segments[end - 1]!.numeric && segments[end - 1]!.text === '0') end--;
  return segments.slice(0, end);
}

function parseGem(input: string): GemVersion | null {
  const s = input.trim().replaceAll('-', '.pre.');
  const runs = s.match(/[0-9]+|[a-z]+/gi);
  if (runs === null) return null;
  const segments = runs.map((run) =>
    isDigits(run) ? { numeric: true, text: stripZeros(run) } : { numeric: false, text: run },
  );
  const firstText = segments.findIndex((seg) => !seg.numeric);
  const head = firstText === -1 ? segments : segments.slice(0, firstText);
  const tail = firstText === -1 ? [] : segments.slice(firstText);
  return {
    segments: [...dropTrailingZeros(head), ...dropTrailingZeros(tail)],
    valid: rubyValid(input) !== null,
  };
}

function compareGem(a: GemVersion, b: GemVersion): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i] ?? ZERO;
    const y = b.segments[i] ?? ZERO;
    if (x.numeric !== y.numeric) return x.numeric ? 1 : -1;
    const c = x.numeric ? compareDigits(x.text, y.text) : compareText(x.text, y.text);
    if (c !== 0) return c;
  }
  return 0;
}

export const rubygemsOrdering = (): VersionOrdering =>
  createOrdering<GemVersion>({
    ecosystem: 'RubyGems',
    parse: parseGem,
    compare: compareGem,
    isValid: (p) => p.valid,
  });
