// Versions that are only a list of numbers, compared element by element with a longer list after its
// own prefix (so 1.0 < 1.0.0): Hackage (Haskell's Data.Version, "1.2.0.3") and CRAN (R's
// package_version, which also separates with "-": "1.0-2" = 1.0.2).
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareDigitLists, stripZeros } from './version-tokens.ts';

interface NumberList {
  parts: string[];
}

function listOrdering(ecosystem: string, grammar: RegExp, separator: RegExp): VersionOrdering {
  return createOrdering<NumberList>({
    ecosystem,
    // Nothing to be lenient about: anything else is not a version of these ecosystems.
    parse: (v) => (grammar.test(v) ? { parts: v.split(separator).map(stripZeros) } : null),
    compare: (a, b) => compareDigitLists(a.parts, b.parts),
    isValid: () => true,
  });
}

export const hackageOrdering = (): VersionOrdering => listOrdering('Hackage', /^\d+(?:\.\d+)*$/, /\./);

export const cranOrdering = (): VersionOrdering => listOrdering('CRAN', /^\d+(?:[.-]\d+)*$/, /[.-]/);
