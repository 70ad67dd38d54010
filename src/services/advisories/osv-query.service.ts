// The osv.dev-compatible query API: which published advisories affect a package version (by name
// and ecosystem, or purl) or a commit, one query or a batch of up to 1,000, with osv.dev's request
// and response shapes and page tokens. Only published advisories are ever looked at (the index
// query joins on state), so an embargoed advisory cannot show up in an answer.
import { ValidationError, NotFoundError } from '../../domain/errors.ts';
import type { AffectedPackage } from '../../domain/advisory/advisory.types.ts';
import { isVersionAffected } from '../../domain/osv/range-evaluation.ts';
import { osvIdOf, toOsv, parleyIdFromOsvId } from '../../integrations/osv/osv-export.ts';
import type { OsvRecord } from '../../integrations/osv/osv.types.ts';
import * as index from '../../storage/repositories/advisory-index.repository.ts';
import type { ServiceDeps } from '../deps.ts';
import { publisherSettings } from './publisher-settings.ts';
import type { AdvisoryPublicService } from './advisory-public.service.ts';
import { parseQuery, pageToken, readPageToken, type OsvQuery } from './osv-query-parse.ts';

export const BATCH_MAX = 1_000;
/** Full records per /v1/query page, and ids per query in a /v1/querybatch answer (as osv.dev). */
export const QUERY_PAGE = 100;
export const BATCH_PAGE = 1_000;

interface Hit {
  id: string;
  uid: string;
  modified: string;
}

export class OsvQueryService {
  /** Parsed AffectedPackage JSON by advisory, package and modified time: parsing is the hot path. */
  private parsed = new Map<string, AffectedPackage>();
  private records = new Map<string, OsvRecord>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly publicAdvisories: AdvisoryPublicService,
  ) {}

  private pkg(h: index.PackageHit): AffectedPackage {
    const key = `${h.uid}:${h.seq}:${h.modifiedAt}`;
    let p = this.parsed.get(key);
    if (!p) {
      if (this.parsed.size > 200_000) this.parsed.clear();
      p = JSON.parse(h.affected) as AffectedPackage;
      this.parsed.set(key, p);
    }
    return p;
  }

  /** Matches many parsed queries with as few database round trips as the batch allows. */
  private async match(queries: OsvQuery[]): Promise<Hit[][]> {
    const names: string[] = [];
    const purls: string[] = [];
    const commits: string[] = [];
    for (const q of queries) {
      if (q.kind === 'package') names.push(q.lookupName);
      else if (q.kind === 'purl') purls.push(q.purlBase);
      else commits.push(q.commit);
    }
    const [byName, byPurl, byCommit] = await Promise.all([
      names.length ? index.packagesByName(this.deps.db, names) : [],
      purls.length ? index.packagesByPurl(this.deps.db, purls) : [],
      commits.length ? index.advisoriesByCommit(this.deps.db, commits) : [],
    ]);
    const nameMap = group(byName, (h) => h.name);
    const purlMap = group(byPurl, (h) => h.purl ?? '');
    return queries.map((q) => {
      const hits = new Map<string, Hit>();
      const add = (h: { uid: string; id: string | null; modifiedAt?: string; modified_at?: string | null }) =>
        hits.set(h.uid, { id: h.id!, uid: h.uid, modified: (h.modifiedAt ?? h.modified_at)! });
      if (q.kind === 'commit') {
        for (const c of byCommit) if (c.commit_hash === q.commit) add(c);
      } else {
        const candidates =
          q.kind === 'package' ? (nameMap.get(q.lookupName) ?? []) : (purlMap.get(q.purlBase) ?? []);
        for (const h of candidates) {
          if (hits.has(h.uid)) continue;
          if (
            q.kind === 'package' &&
            q.ecosystem !== null &&
            h.ecosystem !== q.ecosystem &&
            h.ecosystemBase !== q.ecosystem
          ) {
            continue;
          }
          if (q.version === null || isVersionAffected(this.pkg(h), q.version)) add(h);
        }
      }
      return [...hits.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  private async record(hit: Hit): Promise<OsvRecord> {
    const key = `${hit.uid}:${hit.modified}`;
    let r = this.records.get(key);
    if (!r) {
      const { row, project } = await this.publicAdvisories.row(hit.id);
      r = toOsv(await this.publicAdvisories.exportSource(row, project), publisherSettings(this.deps));
      if (this.records.size > 20_000) this.records.clear();
      this.records.set(key, r);
    }
    return r;
  }

  /** POST /v1/query: full records of the matching advisories, a page at a time. */
  async query(body: unknown): Promise<{ vulns?: OsvRecord[]; next_page_token?: string }> {
    const q = parseQuery(body, 'query');
    const offset = readPageToken(q, 'query');
    const [hits] = await this.match([q]);
    const page = hits!.slice(offset, offset + QUERY_PAGE);
    const out: { vulns?: OsvRecord[]; next_page_token?: string } = {};
    if (page.length) out.vulns = await Promise.all(page.map((h) => this.record(h)));
    if (offset + QUERY_PAGE < hits!.length) out.next_page_token = pageToken(q, offset + QUERY_PAGE);
    return out;
  }

  /** POST /v1/querybatch: for each query the matching ids and modified times, as osv.dev answers. */
  async queryBatch(body: unknown) {
    const raw = (body as { queries?: unknown } | null)?.queries;
    if (!Array.isArray(raw))
      throw new ValidationError([{ field: 'queries', message: 'Send {"queries": [...]}.' }]);
    if (raw.length > BATCH_MAX) {
      throw new ValidationError([{ field: 'queries', message: `At most ${BATCH_MAX} queries per batch.` }]);
    }
    const queries = raw.map((r, i) => parseQuery(r, `queries[${i}]`));
    const offsets = queries.map((q, i) => readPageToken(q, `queries[${i}]`));
    const matched = await this.match(queries);
    return {
      results: matched.map((hits, i) => {
        const offset = offsets[i]!;
        const page = hits.slice(offset, offset + BATCH_PAGE);
        const r: { vulns?: { id: string; modified: string }[]; next_page_token?: string } = {};
        if (page.length) r.vulns = page.map((h) => ({ id: this.osvId(h.id), modified: h.modified }));
        if (offset + BATCH_PAGE < hits.length)
          r.next_page_token = pageToken(queries[i]!, offset + BATCH_PAGE);
        return r;
      }),
    };
  }

  /** GET /v1/vulns/{id}: one published advisory as OSV, by its OSV id (`x_` form or not). */
  async vuln(osvId: string): Promise<OsvRecord> {
    const id = parleyIdFromOsvId(osvId);
    const { row } = await this.publicAdvisories.row(id).catch(() => {
      throw new NotFoundError('Bug not found.');
    });
    if (row.state !== 'published' && row.state !== 'withdrawn') throw new NotFoundError('Bug not found.');
    return this.record({ id: row.id!, uid: row.uid, modified: row.modified_at! });
  }

  private osvId(id: string): string {
    return osvIdOf(id, publisherSettings(this.deps));
  }
}

function group<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}
