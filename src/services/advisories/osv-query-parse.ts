// Reads one osv.dev query — {package: {name, ecosystem} | {purl}, version} or {commit} — into the
// form the matcher uses, with osv.dev's rules: a version in the purl and in `version` is an error,
// as is a commit together with a version. Page tokens are opaque, tied to the query they page.
import crypto from 'node:crypto';
import { ValidationError } from '../../domain/errors.ts';
import { lookupName } from '../../domain/advisory/advisory-index.ts';
import { parsePurl } from '../../integrations/osv/purl.ts';

interface Common {
  version: string | null;
  pageToken: string | null;
  /** Identifies the query for its page tokens. */
  key: string;
}
export type OsvQuery =
  | (Common & { kind: 'package'; ecosystem: string | null; name: string; lookupName: string })
  | (Common & { kind: 'purl'; purlBase: string })
  | (Common & { kind: 'commit'; commit: string });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(v: unknown, field: string, max: number): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > max)
    throw new ValidationError([{ field, message: `Must be text of at most ${max} characters.` }]);
  return v;
}

export function parseQuery(raw: unknown, field: string): OsvQuery {
  if (!isObj(raw)) throw new ValidationError([{ field, message: 'Each query is a JSON object.' }]);
  let version = str(raw.version, `${field}.version`, 256);
  const pageToken = str(raw.page_token, `${field}.page_token`, 512);
  const commit = str(raw.commit, `${field}.commit`, 64);
  if (commit !== null) {
    if (!/^[0-9a-fA-F]{7,64}$/.test(commit))
      throw new ValidationError([
        { field: `${field}.commit`, message: 'Must be a hexadecimal commit hash.' },
      ]);
    if (version !== null || raw.package !== undefined) {
      throw new ValidationError([{ field, message: 'Give a commit, or a package and version, not both.' }]);
    }
    const c = commit.toLowerCase();
    return { kind: 'commit', commit: c, version: null, pageToken, key: `c:${c}` };
  }
  if (!isObj(raw.package))
    throw new ValidationError([
      { field: `${field}.package`, message: 'Give a package (name and ecosystem, or purl) or a commit.' },
    ]);
  const p = raw.package;
  const purl = str(p.purl, `${field}.package.purl`, 1000);
  let ecosystem = str(p.ecosystem, `${field}.package.ecosystem`, 200);
  let name = str(p.name, `${field}.package.name`, 1000);
  if (purl !== null) {
    if (name !== null || ecosystem !== null) {
      throw new ValidationError([
        { field: `${field}.package`, message: 'Give either a purl or a name and ecosystem.' },
      ]);
    }
    let parsed;
    try {
      parsed = parsePurl(purl);
    } catch (e) {
      throw new ValidationError([
        { field: `${field}.package.purl`, message: `Not a valid package URL: ${(e as Error).message}` },
      ]);
    }
    if (parsed.version !== null) {
      if (version !== null)
        throw new ValidationError([
          { field, message: 'The version is given twice: in the purl and in "version".' },
        ]);
      version = parsed.version;
    }
    if (parsed.ecosystem === null) {
      return { kind: 'purl', purlBase: parsed.base, version, pageToken, key: `p:${parsed.base}@${version}` };
    }
    ecosystem = parsed.ecosystem;
    name = parsed.name;
  }
  if (name === null)
    throw new ValidationError([{ field: `${field}.package.name`, message: 'Give the package name.' }]);
  const ln = lookupName(ecosystem ?? '', name);
  return {
    kind: 'package',
    ecosystem,
    name,
    lookupName: ecosystem ? ln : name,
    version,
    pageToken,
    key: `n:${ecosystem}:${ln}@${version}`,
  };
}

function digest(key: string): string {
  return crypto.createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export function pageToken(q: OsvQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, k: digest(q.key) })).toString('base64url');
}

/** The offset a query's page token points at (0 without one); a token of another query is an error. */
export function readPageToken(q: OsvQuery, field: string): number {
  if (q.pageToken === null) return 0;
  try {
    const t = JSON.parse(Buffer.from(q.pageToken, 'base64url').toString('utf8')) as {
      o: unknown;
      k: unknown;
    };
    if (Number.isInteger(t.o) && (t.o as number) >= 0 && t.k === digest(q.key)) return t.o as number;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError([
    { field: `${field}.page_token`, message: 'This page token does not belong to this query.' },
  ]);
}
