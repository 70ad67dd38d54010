// Turns an ecosystem's parse + compare pair into a VersionOrdering with a bounded parse cache. The OSV
// query API compares the same few thousand strings (query versions, range events) over and over, so
// each string is parsed once; compare is then a cache lookup and a walk over small arrays.
import type { VersionOrdering } from './version-ordering.ts';

/** Per ecosystem; enough for every event of a large import plus the queries of a busy minute. */
export const DEFAULT_CACHE_SIZE = 20_000;

export interface OrderingRules<P> {
  ecosystem: string;
  /**
   * Lenient parse. Returns null for a string the ecosystem can't place at all; such strings sort
   * after every parsed one and among themselves by code units. A throw is caught and counts as null.
   */
  parse(version: string): P | null;
  /** Total order on parsed values; any sign, not just -1/0/1. */
  compare(a: P, b: P): number;
  /** Whether the ecosystem itself accepts the string (strict), read from the parsed value. */
  isValid(parsed: P): boolean;
}

export function createOrdering<P extends object>(
  rules: OrderingRules<P>,
  cacheSize = DEFAULT_CACHE_SIZE,
): VersionOrdering {
  const cache = new Map<string, P | null>();

  const lookup = (version: string): P | null => {
    const hit = cache.get(version);
    if (hit !== undefined) return hit;
    let parsed: P | null = null;
    if (typeof version === 'string') {
      try {
        parsed = rules.parse(version);
      } catch {
        parsed = null;
      }
    }
    // Oldest-first eviction keeps memory bounded when callers feed attacker-chosen strings.
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(version, parsed);
    return parsed;
  };

  return {
    ecosystem: rules.ecosystem,
    compare(a: string, b: string): number {
      if (a === b) return 0;
      const pa = lookup(a);
      const pb = lookup(b);
      if (pa !== null && pb !== null) {
        try {
          const c = rules.compare(pa, pb);
          return c < 0 ? -1 : c > 0 ? 1 : 0;
        } catch {
          // A bug in a comparator must not take a query down; fall back to the documented order.
        }
      } else if (pa !== null) {
        return -1;
      } else if (pb !== null) {
        return 1;
      }
      return String(a) < String(b) ? -1 : 1;
    },
    isValid(version: string): boolean {
      const parsed = lookup(version);
      return parsed !== null && rules.isValid(parsed);
    },
  };
}
