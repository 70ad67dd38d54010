// The lookup tables the OSV query API reads: one row per affected package (by name and ecosystem,
// and by purl) and one per commit named in a GIT range. Rewritten whole whenever an advisory's
// content changes; queries join the advisory and only ever see published ones.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database>;

export interface PackageIndexRow {
  seq: number;
  ecosystem: string;
  ecosystemBase: string;
  name: string;
  purl: string | null;
  affected: string;
}

export async function replaceIndex(
  db: Db,
  uid: string,
  packages: PackageIndexRow[],
  commits: string[],
): Promise<void> {
  await db.deleteFrom('advisory_packages').where('advisory_uid', '=', uid).execute();
  await db.deleteFrom('advisory_commits').where('advisory_uid', '=', uid).execute();
  // Chunked: SQLite allows at most 32,766 bound parameters per statement.
  for (let i = 0; i < packages.length; i += 500) {
    await db
      .insertInto('advisory_packages')
      .values(
        packages.slice(i, i + 500).map((p) => ({
          advisory_uid: uid,
          seq: p.seq,
          ecosystem: p.ecosystem,
          ecosystem_base: p.ecosystemBase,
          name: p.name,
          purl: p.purl,
          affected: p.affected,
        })),
      )
      .execute();
  }
  const unique = [...new Set(commits)];
  for (let i = 0; i < unique.length; i += 500) {
    await db
      .insertInto('advisory_commits')
      .values(unique.slice(i, i + 500).map((commit_hash) => ({ advisory_uid: uid, commit_hash })))
      .execute();
  }
}

export interface PackageHit {
  uid: string;
  id: string;
  modifiedAt: string;
  seq: number;
  ecosystem: string;
  ecosystemBase: string;
  name: string;
  purl: string | null;
  affected: string;
}

const hitColumns = [
  'advisories.uid',
  'advisories.id',
  'advisories.modified_at',
  'advisory_packages.seq',
  'advisory_packages.ecosystem',
  'advisory_packages.ecosystem_base',
  'advisory_packages.name',
  'advisory_packages.purl',
  'advisory_packages.affected',
] as const;

function toHit(r: {
  uid: string;
  id: string | null;
  modified_at: string | null;
  seq: number;
  ecosystem: string;
  ecosystem_base: string;
  name: string;
  purl: string | null;
  affected: string;
}): PackageHit {
  return {
    uid: r.uid,
    id: r.id!,
    modifiedAt: r.modified_at!,
    seq: r.seq,
    ecosystem: r.ecosystem,
    ecosystemBase: r.ecosystem_base,
    name: r.name,
    purl: r.purl,
    affected: r.affected,
  };
}

/** Affected-package rows of published advisories whose `column` is any of `values`, in chunks. */
async function packagesBy(db: Db, column: 'name' | 'purl', values: string[]): Promise<PackageHit[]> {
  const out: PackageHit[] = [];
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('advisory_packages')
      .innerJoin('advisories', 'advisories.uid', 'advisory_packages.advisory_uid')
      .select(hitColumns)
      .where(`advisory_packages.${column}`, 'in', unique.slice(i, i + 500))
      .where('advisories.state', '=', 'published')
      .execute();
    for (const r of rows) out.push(toHit(r));
  }
  return out;
}

/** By lookup name (ecosystems are checked by the caller). */
export const packagesByName = (db: Db, names: string[]) => packagesBy(db, 'name', names);

/** By purl without version. */
export const packagesByPurl = (db: Db, purls: string[]) => packagesBy(db, 'purl', purls);

/** Published advisories naming any of `commits` (lower-case hex) in a GIT range. */
export async function advisoriesByCommit(db: Db, commits: string[]) {
  if (commits.length === 0) return [];
  return db
    .selectFrom('advisory_commits')
    .innerJoin('advisories', 'advisories.uid', 'advisory_commits.advisory_uid')
    .select(['advisory_commits.commit_hash', 'advisories.uid', 'advisories.id', 'advisories.modified_at'])
    .where('advisory_commits.commit_hash', 'in', [...new Set(commits)])
    .where('advisories.state', '=', 'published')
    .execute();
}
