// The intervals a case spent waiting for information from its reporter. Clocks pause over them when
// the policy says so; the log is kept on the case as JSON so every read can compute clocks at once.

export interface NeedsInfoInterval {
  from: string;
  /** null while the case is still waiting. */
  to: string | null;
}

export function parseNeedsInfoLog(json: string | null | undefined): NeedsInfoInterval[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    if (!Array.isArray(v)) return [];
    return v.filter(
      (x): x is NeedsInfoInterval =>
        typeof x === 'object' &&
        x !== null &&
        typeof (x as NeedsInfoInterval).from === 'string' &&
        ((x as NeedsInfoInterval).to === null || typeof (x as NeedsInfoInterval).to === 'string'),
    );
  } catch {
    return [];
  }
}

/** The log after the flag is set (`on`) or cleared at `at`; unchanged if the flag already was so. */
export function toggleNeedsInfo(json: string | null | undefined, on: boolean, at: string): string {
  const log = parseNeedsInfoLog(json);
  const open = log.at(-1)?.to === null;
  if (on && !open) log.push({ from: at, to: null });
  if (!on && open) log[log.length - 1]!.to = at;
  return JSON.stringify(log);
}
