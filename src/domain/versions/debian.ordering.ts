// Debian package versions, [epoch:]upstream[-revision], in dpkg's order (deb-version(7), dpkg's
// verrevcmp): epochs numerically, then upstream and revision each as alternating non-digit runs
// (letters before other characters, "~" before everything, even the end of the string) and digit
// runs (numerically). Also used for Ubuntu, which versions its packages the same way.
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareDigits, isDigits, stripZeros } from './version-tokens.ts';

interface DebianVersion {
  epoch: string;
  upstream: string;
  /** "" when absent, which dpkg compares equal to "0". */
  revision: string;
  valid: boolean;
}

const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9.+~]*$/;

function parseDebian(input: string): DebianVersion | null {
  const s = input.trim();
  const colon = s.indexOf(':');
  let epoch = '0';
  let rest = s;
  if (colon !== -1) {
    // dpkg refuses a non-numeric epoch; there is no sensible place for such a string.
    if (!isDigits(s.slice(0, colon))) return null;
    epoch = stripZeros(s.slice(0, colon));
    rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash === -1 ? rest : rest.slice(0, dash);
  const revision = dash === -1 ? '' : rest.slice(dash + 1);
  const valid =
    UPSTREAM.test(upstream) &&
    REVISION.test(revision) &&
    (dash === -1 || revision !== '') &&
    (colon !== -1 || !upstream.includes(':'));
  return { epoch, upstream, revision, valid };
}

/** dpkg's weight of a character inside a non-digit run; 0 stands for "end of run". */
function weight(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) return 0;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
  if (c === 126) return -1; // "~"
  return c + 256;
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigitAt(a, i)) || (j < b.length && !isDigitAt(b, j))) {
      const d = weight(a, i) - weight(b, j);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let firstDiff = 0;
    while (i < a.length && j < b.length && isDigitAt(a, i) && isDigitAt(b, j)) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigitAt(a, i)) return 1;
    if (j < b.length && isDigitAt(b, j)) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function compareDebian(a: DebianVersion, b: DebianVersion): number {
  return (
    compareDigits(a.epoch, b.epoch) || verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision)
  );
}

export const debianOrdering = (ecosystem = 'Debian'): VersionOrdering =>
  createOrdering<DebianVersion>({
    ecosystem,
    parse: parseDebian,
    compare: compareDebian,
    isValid: (p) => p.valid,
  });
