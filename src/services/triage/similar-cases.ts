// Duplicate suggestions for a case: the most similar of its project's open cases and of those
// opened in the last SIMILAR_WINDOW_DAYS days, by TF-IDF cosine over title and description
// (domain/text-similarity.ts). Text is compared here, never in SQL (it may be encrypted at rest).
// The candidate set is bounded (SIMILAR_MAX_CANDIDATES, newest first) and each candidate's term
// counts are cached by (id, updated_at), so a busy project pays the text work once, not per view.
import type { Kysely } from 'kysely';
import type { CaseRow, Database } from '../../storage/schema.ts';
import * as triage from '../../storage/repositories/triage.repository.ts';
import { OPEN_STATES } from '../../domain/case-state.ts';
import { DEFAULT_RANK, rankSimilar, termCounts, type TermCounts } from '../../domain/text-similarity.ts';

export const SIMILAR_WINDOW_DAYS = 90;
export const SIMILAR_MAX_CANDIDATES = 10_000;
/** Cached term counts, across projects; a few tens of MB at most (see docs/benchmarks.md). */
const CACHE_MAX = 20_000;

export interface SimilarCase {
  id: string;
  key: string;
  title: string;
  state: string;
  resolution: string | null;
  createdAt: string;
  /** Similarity, 0–1. */
  score: number;
  /** When the candidate is itself closed as a duplicate: the key of its original (suggest that). */
  duplicateOf: string | null;
}

export class SimilarCases {
  private readonly cache = new Map<string, { stamp: string; counts: TermCounts }>();

  constructor(private readonly db: Kysely<Database>) {}

  async similarTo(
    row: Pick<CaseRow, 'id' | 'project_id' | 'title' | 'description'>,
    now: Date,
    opts = DEFAULT_RANK,
  ): Promise<SimilarCase[]> {
    const since = new Date(now.getTime() - SIMILAR_WINDOW_DAYS * 86_400_000).toISOString();
    const rows = (
      await triage.similarityCandidates(
        this.db,
        row.project_id,
        OPEN_STATES,
        since,
        SIMILAR_MAX_CANDIDATES + 1,
      )
    ).filter((c) => c.id !== row.id);
    const missing = rows.filter((c) => this.cache.get(c.id)?.stamp !== c.updated_at);
    if (missing.length) {
      const stamps = new Map(missing.map((c) => [c.id, c.updated_at]));
      for (const t of await triage.caseTexts(
        this.db,
        missing.map((c) => c.id),
      )) {
        this.remember(t.id, stamps.get(t.id)!, termCounts(t.title, t.description));
      }
    }
    const candidates = rows.flatMap((c) => {
      const hit = this.cache.get(c.id);
      return hit ? [{ id: c.id, counts: hit.counts }] : [];
    });
    const ranked = rankSimilar(termCounts(row.title, row.description), candidates, opts);
    if (!ranked.length) return [];
    const byId = new Map(rows.map((c) => [c.id, c]));
    const ids = ranked.map((r) => r.id);
    const [texts, originals] = await Promise.all([
      triage.caseTexts(this.db, ids),
      triage.caseKeys(
        this.db,
        ids.map((id) => byId.get(id)!.duplicate_of_id).filter((x): x is string => !!x),
      ),
    ]);
    const titles = new Map(texts.map((t) => [t.id, t.title]));
    return ranked.map((r) => {
      const c = byId.get(r.id)!;
      return {
        id: c.id,
        key: c.key,
        title: titles.get(c.id) ?? '',
        state: c.state,
        resolution: c.resolution,
        createdAt: c.created_at,
        score: r.score,
        duplicateOf: c.duplicate_of_id ? (originals.get(c.duplicate_of_id) ?? null) : null,
      };
    });
  }

  private remember(id: string, stamp: string, counts: TermCounts) {
    // Insertion order is age: dropping the first entries drops the least recently (re)computed.
    this.cache.delete(id);
    if (this.cache.size >= CACHE_MAX) {
      const drop = Math.ceil(CACHE_MAX / 10);
      let i = 0;
      for (const k of this.cache.keys()) {
        if (i++ >= drop) break;
        this.cache.delete(k);
      }
    }
    this.cache.set(id, { stamp, counts });
  }
}
