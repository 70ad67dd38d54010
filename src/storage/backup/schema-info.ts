// The schema as the database itself describes it, for backup and restore: tables, their columns
// (type, nullability, identity), primary keys and foreign keys, and an order in which the tables can
// be loaded (referenced tables first). Read from the catalogue rather than from schema.ts because a
// backup may come from an older schema version than the code's.
import type { Dialect } from '../db.ts';
import { keyIdOfHead } from '../encryption/cipher.ts';
import { ALL_ENCRYPTED } from '../encryption/encrypted-columns.ts';
import { HEADER_TABLE, MIGRATOR_TABLES } from './backup-format.ts';

/** Runs one catalogue query (a Kysely connection or a better-sqlite3 one, see the callers). */
export type Query = (text: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

export interface ColumnInfo {
  name: string;
  /** Declared type, lower case: `integer`, `text`, `bytea`, `blob`, `boolean`, `character varying` … */
  type: string;
  nullable: boolean;
  /** Filled by a sequence (PostgreSQL identity or serial): restored values must move it on. */
  identity: boolean;
}

export interface ForeignKey {
  column: string;
  refTable: string;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  pk: string[];
  fks: ForeignKey[];
}

const SKIPPED = new Set([...MIGRATOR_TABLES, HEADER_TABLE]);

/** Every data table (not the migrator's, not the backup header) with its columns and keys. */
export async function describeSchema(q: Query, dialect: Dialect): Promise<Map<string, TableInfo>> {
  return dialect === 'postgres' ? describePostgres(q) : describeSqlite(q);
}

async function describeSqlite(q: Query): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  const tables = await q(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
  );
  for (const { name } of tables as { name: string }[]) {
    if (SKIPPED.has(name)) continue;
    const cols = (await q('select * from pragma_table_info(?) order by cid', [name])) as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    const fks = (await q('select * from pragma_foreign_key_list(?)', [name])) as {
      table: string;
      from: string;
    }[];
    out.set(name, {
      name,
      columns: cols.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        nullable: !c.notnull && !c.pk,
        identity: false, // INTEGER PRIMARY KEY is the rowid: explicit values are kept, nothing to move on
      })),
      pk: cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      fks: fks.map((f) => ({ column: f.from, refTable: f.table })),
    });
  }
  return out;
}

async function describePostgres(q: Query): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  const cols = (await q(
    `select c.table_name as t, c.column_name as name, c.data_type as type, c.is_nullable as nullable,
            (c.is_identity = 'YES' or coalesce(c.column_default, '') like 'nextval(%') as identity
       from information_schema.columns c
       join information_schema.tables tb
         on tb.table_schema = c.table_schema and tb.table_name = c.table_name and tb.table_type = 'BASE TABLE'
      where c.table_schema = current_schema()
      order by c.table_name, c.ordinal_position`,
  )) as { t: string; name: string; type: string; nullable: string; identity: boolean }[];
  for (const c of cols) {
    if (SKIPPED.has(c.t)) continue;
    let t = out.get(c.t);
    if (!t) out.set(c.t, (t = { name: c.t, columns: [], pk: [], fks: [] }));
    t.columns.push({
      name: c.name,
      type: c.type.toLowerCase(),
      nullable: c.nullable === 'YES',
      identity: c.identity,
    });
  }
  const keys = (await q(
    `select cl.relname as t, con.contype as kind, a.attname as col, rc.relname as ref, k.ord
       from pg_constraint con
       join pg_class cl on cl.oid = con.conrelid
       join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
       cross join lateral unnest(con.conkey) with ordinality as k(attnum, ord)
       join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
       left join pg_class rc on rc.oid = con.confrelid
      where con.contype in ('p', 'f')
      order by cl.relname, con.conname, k.ord`,
  )) as { t: string; kind: string; col: string; ref: string | null }[];
  for (const k of keys) {
    const t = out.get(k.t);
    if (!t) continue;
    if (k.kind === 'p') t.pk.push(k.col);
    else if (k.ref) t.fks.push({ column: k.col, refTable: k.ref });
  }
  return out;
}

/**
 * Tables in an order that loads referenced tables first. A cycle (none today but self-references)
 * is broken at the table with the fewest unloaded references; the loader defers such columns.
 */
export function loadOrder(tables: ReadonlyMap<string, TableInfo>): string[] {
  const order: string[] = [];
  const left = new Set([...tables.keys()].sort());
  const pending = (t: string) =>
    new Set(
      tables
        .get(t)!
        .fks.map((f) => f.refTable)
        .filter((r) => r !== t && left.has(r)),
    ).size;
  while (left.size) {
    let pick: string | undefined;
    let best = Infinity;
    for (const t of left) {
      const n = pending(t);
      if (n < best) [pick, best] = [t, n];
      if (n === 0) break;
    }
    order.push(pick!);
    left.delete(pick!);
  }
  return order;
}

/** Migrations applied to the database, in order (none when it was never migrated). */
export async function appliedMigrations(q: Query, dialect: Dialect): Promise<string[]> {
  const exists =
    dialect === 'postgres'
      ? await q(
          "select 1 from information_schema.tables where table_schema = current_schema() and table_name = 'kysely_migration'",
        )
      : await q("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'");
  if (!exists.length) return [];
  return ((await q('select name from kysely_migration order by name')) as { name: string }[]).map(
    (r) => r.name,
  );
}

/** Ids of the data keys whose values the database holds (read from the envelopes' heads). */
export async function keyIdsIn(q: Query, tables: ReadonlySet<string>): Promise<string[]> {
  const ids = new Set<string>();
  for (const { table, column, kind } of ALL_ENCRYPTED) {
    if (!tables.has(table)) continue;
    const c = ident(column);
    const rows =
      kind === 'text'
        ? await q(
            `select distinct substr(${c}, 1, 16) as head from ${ident(table)} where substr(${c}, 1, 7) = 'enc:v1:'`,
          )
        : await q(`select distinct substr(${c}, 1, 14) as head from ${ident(table)} where ${c} is not null`);
    for (const r of rows) {
      const id = keyIdOfHead(r.head);
      if (id) ids.add(id);
    }
  }
  return [...ids].sort();
}

/** Quotes an identifier for either dialect (names come from the catalogue, never from input). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
