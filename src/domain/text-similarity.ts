// Text similarity of vulnerability reports, for duplicate suggestions: TF-IDF weighted cosine over
// the words of title and description. Reports of the same issue written by different people (or
// rewritten by a tool) share their rare words — the component, the parameter, the function, the
// error — while the words every report has ("vulnerability", "attacker") weigh little because they
// occur everywhere. Pure: no I/O, so it is unit-tested and benchmarked directly.

/** Only this much of a description is read: the opening states the issue, the rest is mostly detail. */
export const DESCRIPTION_CHARS = 6_000;
/** Title words count this many times: a title is a summary, so its words say the most. */
const TITLE_WEIGHT = 2;

// English function words. Report boilerplate is left to IDF, which learns it from the project's own cases.
const STOP = new Set(
  (
    'a about above after again all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has ' +
    'have having he her here hers him his how i if in into is it its itself just me more most my no ' +
    'nor not now of off on once only or other our ours out over own same she should so some such ' +
    'than that the their them then there these they this those through to too under until up very ' +
    'was we were what when where which while who whom why will with would you your yours via using ' +
    'use used get gets got one two may might must shall let lets within without'
  ).split(' '),
);

/** Light suffix stripping so "requests"/"request", "injected"/"inject" meet; never shorter than 3 letters. */
function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}

/**
 * The words of a text, normalised: Unicode compatibility forms folded, accents and case dropped,
 * split at anything that is not a letter or digit (so `/api/v1/users` gives api, v1, users),
 * function words and one-character tokens dropped, suffixes lightly stripped.
 */
export function words(text: string): string[] {
  const out: string[] = [];
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  for (const raw of folded.split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < 2 || raw.length > 40 || STOP.has(raw)) continue;
    // Long digit runs (ports, timestamps, ids) identify one report, not an issue.
    if (/^\d{5,}$/.test(raw)) continue;
    out.push(/^\p{L}+$/u.test(raw) ? stem(raw) : raw);
  }
  return out;
}

/** Term counts of a report: title words weighted, description cut to DESCRIPTION_CHARS. */
export type TermCounts = Map<string, number>;

export function termCounts(title: string, description: string): TermCounts {
  const counts: TermCounts = new Map();
  for (const w of words(title)) counts.set(w, (counts.get(w) ?? 0) + TITLE_WEIGHT);
  for (const w of words(description.slice(0, DESCRIPTION_CHARS))) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

export interface Candidate {
  id: string;
  counts: TermCounts;
}

export interface Scored {
  id: string;
  /** Cosine similarity, 0 (nothing in common) to 1 (the same words in the same proportions). */
  score: number;
}

export interface RankOptions {
  /** How many to return at most. */
  limit: number;
  /** Scores below this are not suggested. */
  threshold: number;
}

export const DEFAULT_RANK: RankOptions = { limit: 5, threshold: 0.3 };

/** Sublinear term frequency, 1 + ln n, from a table for the counts that occur in practice. */
const TF = Array.from({ length: 64 }, (_, k) => (k ? 1 + Math.log(k) : 0));
const tf = (k: number) => (k < 64 ? TF[k]! : 1 + Math.log(k));

/**
 * The candidates most similar to `target`, best first. IDF is computed over the target and the
 * candidates (smoothed, so a small project still ranks sensibly); term frequency is sublinear
 * (1 + ln n), so a word repeated ten times does not outweigh ten different shared words.
 */
export function rankSimilar(
  target: TermCounts,
  candidates: readonly Candidate[],
  opts: RankOptions = DEFAULT_RANK,
): Scored[] {
  if (!target.size || !candidates.length) return [];
  // Document frequencies, then each term's IDF once (a log per distinct term, not per occurrence).
  const df = new Map<string, number>();
  for (const t of target.keys()) df.set(t, 1);
  for (const c of candidates) for (const t of c.counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = candidates.length + 1;
  const idf = new Map<string, number>();
  for (const [t, k] of df) idf.set(t, Math.log((n + 1) / (k + 1)) + 1);

  const weights = new Map<string, number>();
  let targetNorm = 0;
  for (const [t, k] of target) {
    const w = tf(k) * idf.get(t)!;
    weights.set(t, w);
    targetNorm += w * w;
  }
  targetNorm = Math.sqrt(targetNorm);

  const scored: Scored[] = [];
  for (const c of candidates) {
    let dot = 0;
    let norm = 0;
    for (const [t, k] of c.counts) {
      const w = tf(k) * idf.get(t)!;
      norm += w * w;
      const tw = weights.get(t);
      if (tw !== undefined) dot += w * tw;
    }
    if (dot === 0) continue;
    const score = dot / (targetNorm * Math.sqrt(norm));
    if (score >= opts.threshold) scored.push({ id: c.id, score: Math.round(score * 1000) / 1000 });
  }
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return scored.slice(0, opts.limit);
}
