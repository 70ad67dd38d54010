// Lists of advisories: the team's (every state, per project) and the public's (published and
// withdrawn only, filtered by project, severity, ecosystem and year of publication).
import type { Kysely } from 'kysely';
import type { AdvisoryRow, Database } from '../schema.ts';

type Db = Kysely<Database>;

export interface AdvisoryListQuery {
  projectIds?: string[];
  states: readonly AdvisoryRow['state'][];
  severity?: string;
  /** An ecosystem without suffix (npm, PyPI, Debian …); matches "Debian:12" too. */
  ecosystem?: string;
  /** Year of publication. */
  year?: number;
  /** Matches the public id or title (case-insensitive substring). */
  text?: string;
  source?: AdvisoryRow['source'];
  order: 'published' | 'updated';
  limit: number;
  offset: number;
}

function filtered(db: Db, q: AdvisoryListQuery) {
  let s = db.selectFrom('advisories').where('state', 'in', [...q.states]);
  if (q.projectIds) {
    if (q.projectIds.length === 0) return s.where('uid', '=', '');
    s = s.where('project_id', 'in', q.projectIds);
  }
  if (q.severity) s = s.where('severity', '=', q.severity);
  if (q.source) s = s.where('source', '=', q.source);
  if (q.year !== undefined) {
    s = s
      .where('published_at', '>=', `${String(q.year).padStart(4, '0')}-01-01`)
      .where('published_at', '<', `${String(q.year + 1).padStart(4, '0')}-01-01`);
  }
  if (q.ecosystem) {
    const eco = q.ecosystem;
    s = s.where((eb) =>
      eb.exists(
        eb
          .selectFrom('advisory_packages')
          .select('advisory_packages.seq')
          .whereRef('advisory_packages.advisory_uid', '=', 'advisories.uid')
          .where((e) =>
            e.or([
              e('advisory_packages.ecosystem_base', '=', eco),
              e('advisory_packages.ecosystem', '=', eco),
            ]),
          ),
      ),
    );
  }
  if (q.text) {
    const like = `%${q.text.toLowerCase().replace(/[\\%_]/g, '')}%`;
    s = s.where((eb) =>
      eb.or([eb(eb.fn('lower', ['title']), 'like', like), eb(eb.fn('lower', ['id']), 'like', like)]),
    );
  }
  return s;
}

export async function listAdvisories(db: Db, q: AdvisoryListQuery): Promise<AdvisoryRow[]> {
  let s = filtered(db, q).selectAll();
  s =
    q.order === 'published'
      ? s.orderBy('published_at', 'desc').orderBy('id', 'desc')
      : s.orderBy('updated_at', 'desc').orderBy('uid', 'desc');
  return s.limit(q.limit).offset(q.offset).execute();
}

export async function countAdvisories(db: Db, q: AdvisoryListQuery): Promise<number> {
  const r = await filtered(db, q)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The years and ecosystems public advisories span, for the filter menus. */
export async function publicFacets(db: Db, projectIds?: string[]) {
  let years = db
    .selectFrom('advisories')
    .select('published_at')
    .where('state', 'in', ['published', 'withdrawn']);
  if (projectIds) years = years.where('project_id', 'in', projectIds.length ? projectIds : ['']);
  let ecos = db
    .selectFrom('advisory_packages')
    .innerJoin('advisories', 'advisories.uid', 'advisory_packages.advisory_uid')
    .select('advisory_packages.ecosystem_base')
    .distinct()
    .where('advisories.state', 'in', ['published', 'withdrawn']);
  if (projectIds) ecos = ecos.where('advisories.project_id', 'in', projectIds.length ? projectIds : ['']);
  const [y, e] = await Promise.all([years.execute(), ecos.execute()]);
  const yearSet = new Set(y.map((r) => Number(r.published_at!.slice(0, 4))));
  return {
    years: [...yearSet].sort((a, b) => b - a),
    ecosystems: e.map((r) => r.ecosystem_base).sort((a, b) => a.localeCompare(b)),
  };
}

/** Ids and dates of every public advisory (directory listings that need no content). */
export async function listPublicIds(db: Db) {
  return db
    .selectFrom('advisories')
    .select(['id', 'published_at', 'modified_at'])
    .where('state', 'in', ['published', 'withdrawn'])
    .orderBy('published_at', 'desc')
    .execute();
}
