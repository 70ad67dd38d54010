// Which stored column each result column of a query comes from, read off Kysely's query tree, so that
// an encrypted value is decrypted as exactly that column (its additional data) even under joins and
// aliases. A result column the tree cannot name (an expression, a raw query, a union) is marked
// unknown; its values are then tried against every encrypted column of the same name.
import type {
  AliasNode,
  DeleteQueryNode,
  InsertQueryNode,
  OperationNode,
  ReferenceNode,
  RootOperationNode,
  SelectionNode,
  SelectQueryNode,
  TableNode,
  UpdateQueryNode,
} from 'kysely';
import { ALL_ENCRYPTED, ENCRYPTED_TABLES, TABLES_BY_COLUMN, encryptedKind } from './encrypted-columns.ts';
import { columnAad } from './cipher.ts';

/**
 * Result column name → the additional data to decrypt it with (one entry), or null when it comes from
 * a column stored as it is. Absent: unknown.
 */
export type ResultSources = Map<string, readonly string[] | null>;

/** Scope of a query: alias or table name → table name (undefined for a subquery). */
type Scope = Map<string, string | undefined>;

export function resultSources(node: RootOperationNode): ResultSources | undefined {
  if (node.kind === 'SelectQueryNode') {
    if (node.setOperations?.length) return undefined;
    return sourcesOf(node.selections, scopeOf(queryTables(node)!));
  }
  const returning = (node as { returning?: { selections: readonly SelectionNode[] } }).returning;
  const tables = queryTables(node);
  return returning && tables ? sourcesOf(returning.selections, scopeOf(tables)) : undefined;
}

/** The tables (and aliased subqueries) a query reads or writes; undefined for anything but a query. */
export function queryTables(node: OperationNode): OperationNode[] | undefined {
  const joins = (n: { joins?: readonly { table: OperationNode }[] }) => (n.joins ?? []).map((j) => j.table);
  switch (node.kind) {
    case 'SelectQueryNode': {
      const n = node as SelectQueryNode;
      return [...(n.from?.froms ?? []), ...joins(n)];
    }
    case 'InsertQueryNode': {
      const n = node as InsertQueryNode;
      return n.into ? [n.into] : [];
    }
    case 'UpdateQueryNode': {
      const n = node as UpdateQueryNode;
      return [...(n.table ? [n.table] : []), ...(n.from?.froms ?? []), ...joins(n)];
    }
    case 'DeleteQueryNode': {
      const n = node as DeleteQueryNode;
      return [...n.from.froms, ...joins(n)];
    }
    default:
      return undefined;
  }
}

/** Additional data to try for a result column nothing could name: the columns of the same name, else all. */
export function guessedAads(name: string): readonly string[] {
  const tables = TABLES_BY_COLUMN.get(name);
  return tables ? tables.map((t) => columnAad(t, name)) : ALL_AADS;
}

const ALL_AADS = ALL_ENCRYPTED.map((c) => columnAad(c.table, c.column));

export function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'TableNode') return (node as TableNode).table.identifier.name;
  if (node.kind === 'AliasNode') return tableName((node as AliasNode).node);
  return undefined;
}

export function scopeOf(items: readonly OperationNode[]): Scope {
  const scope: Scope = new Map();
  for (const item of items) {
    if (item.kind === 'TableNode') {
      const t = tableName(item)!;
      scope.set(t, t);
    } else if (item.kind === 'AliasNode') {
      const a = item as AliasNode;
      if (a.alias.kind === 'IdentifierNode')
        scope.set((a.alias as unknown as { name: string }).name, tableName(a.node));
    }
  }
  return scope;
}

function sourcesOf(selections: readonly SelectionNode[] | undefined, scope: Scope): ResultSources {
  const out: ResultSources = new Map();
  const tables = [...scope.values()];
  for (const { selection } of selections ?? []) {
    if (selection.kind === 'SelectAllNode') {
      for (const t of tables) if (t) addTableColumns(out, t);
    } else if (selection.kind === 'ReferenceNode') {
      const ref = selection as ReferenceNode;
      if (ref.column.kind === 'SelectAllNode') {
        const t = ref.table ? resolve(scope, ref.table) : undefined;
        if (t) addTableColumns(out, t);
      } else {
        put(out, ref.column.column.name, refSource(ref, scope));
      }
    } else if (selection.kind === 'AliasNode') {
      const a = selection as AliasNode;
      if (a.alias.kind !== 'IdentifierNode') continue;
      const name = (a.alias as unknown as { name: string }).name;
      const inner = a.node as ReferenceNode;
      // An expression (a function, a subquery) is unknown.
      put(out, name, inner.kind === 'ReferenceNode' ? refSource(inner, scope) : undefined);
    }
  }
  return out;
}

function put(out: ResultSources, name: string, source: readonly string[] | null | undefined): void {
  if (source === undefined) out.delete(name);
  else out.set(name, source);
}

/** `select *` over joins: a name two tables encrypt differently is left unknown. */
function addTableColumns(out: ResultSources, table: string): void {
  const t = ENCRYPTED_TABLES[table];
  if (!t) return;
  for (const column of [...t.text, ...t.blob]) {
    const aad = [columnAad(table, column)];
    const had = out.get(column);
    if (had && had[0] !== aad[0]) out.delete(column);
    else out.set(column, aad);
  }
}

function resolve(scope: Scope, table: TableNode): string | undefined {
  const name = table.table.identifier.name;
  return scope.has(name) ? scope.get(name) : name;
}

function refSource(ref: ReferenceNode, scope: Scope): readonly string[] | null | undefined {
  if (ref.column.kind !== 'ColumnNode') return undefined;
  const column = ref.column.column.name;
  if (ref.table) {
    const t = resolve(scope, ref.table);
    if (t === undefined) return undefined;
    return encryptedKind(t, column) ? [columnAad(t, column)] : null;
  }
  const tables = [...scope.values()];
  const encrypting = tables.filter((t) => t && encryptedKind(t, column));
  if (encrypting.length === 1) return [columnAad(encrypting[0]!, column)];
  if (encrypting.length === 0 && tables.every((t) => t !== undefined)) return null;
  return undefined;
}
