// Runs one fuzz target with fast-check: a property over generated inputs that must neither throw nor
// take longer than the time bound (hang detection). Each target gets its own seed, derived from the
// run's seed and the target's name, so a failure is reproduced from (seed, target, path) alone:
//   node --import tsx bench/fuzz.ts --seed <seed> --only '<target>' --path '<path>'
import fc from 'fast-check';

export interface RunOptions {
  seed: number;
  /** Inputs per target. */
  runsPerRoute: number;
  timeoutMs: number;
  path?: string | undefined;
}

export interface Failure {
  target: string;
  seed: number;
  path: string;
  error: string;
  input: string;
}

export interface TargetResult {
  target: string;
  runs: number;
  ms: number;
  failures: Failure[];
}

/** FNV-1a of the name, mixed into the run's seed. */
export function targetSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h ^ seed) | 0;
}

export class Hang extends Error {}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hang(`no answer within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const preview = (v: unknown) => {
  const s = fc.stringify(v);
  return s.length > 600 ? `${s.slice(0, 600)}… (${s.length} chars)` : s;
};

export async function runTarget<T>(
  target: string,
  arb: fc.Arbitrary<T>,
  opts: RunOptions,
  check: (input: T) => Promise<void>,
): Promise<TargetResult> {
  const seed = targetSeed(opts.seed, target);
  let runs = 0;
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(arb, async (input) => {
      runs++;
      await withTimeout(check(input), opts.timeoutMs, target);
    }),
    {
      seed,
      numRuns: opts.runsPerRoute,
      // Inputs are slow to replay (requests, database writes): report the first failure as found.
      endOnFailure: true,
      ...(opts.path ? { path: opts.path } : {}),
    },
  );
  const failures: Failure[] = [];
  if (details.failed) {
    const err = details.errorInstance;
    failures.push({
      target,
      seed: opts.seed,
      path: details.counterexamplePath ?? '',
      error: err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err),
      input: preview(details.counterexample?.[0]),
    });
  }
  return { target, runs, ms: performance.now() - started, failures };
}

export function formatFailure(f: Failure): string {
  return `${f.target}\n  error: ${f.error}\n  reproduce: --seed ${f.seed} --only '${f.target}' --path '${f.path}' \n  input: ${f.input}`;
}
