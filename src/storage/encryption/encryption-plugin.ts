// Encryption at rest as a Kysely plugin, so the rest of the code reads and writes plain values:
// INSERT and UPDATE values (multi-row inserts and ON CONFLICT updates too) bound for an encrypted
// column are encrypted with the ring's current key; encrypted values in any result are decrypted as
// the column the query read them from (see result-sources.ts). Values that are not envelopes (rows
// written before encryption) pass through as they are, and `parley keys rotate` encrypts them.
import {
  OperationNodeTransformer,
  type ColumnUpdateNode,
  type InsertQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type ReferenceNode,
  type RootOperationNode,
  type UnknownRow,
  type UpdateQueryNode,
  type ValueNode,
  type ValuesNode,
} from 'kysely';
import type { KeyRing } from './key-ring.ts';
import { TEXT_PREFIX, columnAad, openValue, sealBlob, sealText } from './cipher.ts';
import { ENCRYPTED_TABLES, encryptedKind } from './encrypted-columns.ts';
import { guessedAads, resultSources, tableName, type ResultSources } from './result-sources.ts';
import { assertNoEncryptedPredicates } from './sql-guard.ts';

/** Encrypts one value bound for table.column (unchanged when the column is not encrypted, or null). */
export function sealColumnValue(ring: KeyRing, table: string, column: string, value: unknown): unknown {
  const kind = encryptedKind(table, column);
  if (!kind || value === null || value === undefined) return value;
  const aad = columnAad(table, column);
  if (kind === 'text' && typeof value === 'string') return sealText(ring.current(), aad, value);
  if (kind === 'blob' && value instanceof Uint8Array) return sealBlob(ring.current(), aad, value);
  throw new TypeError(`${table}.${column} is encrypted at rest and takes a ${kind}, not ${typeof value}`);
}

/** A row for `table` with its encrypted columns encrypted (for writers that bypass Kysely). */
export function sealRow<T extends object>(ring: KeyRing, table: string, row: T): T {
  if (!ENCRYPTED_TABLES[table]) return row;
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const [column, value] of Object.entries(out))
    out[column] = sealColumnValue(ring, table, column, value);
  return out as T;
}

function columnName(node: OperationNode): string | undefined {
  if (node.kind === 'ColumnNode') return (node as unknown as { column: { name: string } }).column.name;
  if (node.kind === 'ReferenceNode') {
    const ref = node as ReferenceNode;
    return ref.column.kind === 'ColumnNode' ? ref.column.column.name : undefined;
  }
  return undefined;
}

/** Rewrites the values of INSERT and UPDATE statements (nested ones in CTEs too). */
class Sealer extends OperationNodeTransformer {
  constructor(private readonly ring: KeyRing) {
    super();
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    const n = super.transformInsertQuery(node, queryId);
    const table = tableName(n.into);
    if (!table || !ENCRYPTED_TABLES[table]) return n;
    const columns = (n.columns ?? []).map((c) => c.column.name);
    let values = n.values;
    if (values?.kind === 'ValuesNode') {
      const v = values as ValuesNode;
      values = {
        ...v,
        values: v.values.map((row) =>
          row.kind === 'PrimitiveValueListNode'
            ? { ...row, values: row.values.map((x, i) => sealColumnValue(this.ring, table, columns[i]!, x)) }
            : { ...row, values: row.values.map((x, i) => this.sealNode(table, columns[i]!, x)) },
        ),
      } as ValuesNode;
    } else if (values && columns.some((c) => encryptedKind(table, c))) {
      throw new Error(`${table} has columns encrypted at rest: INSERT … SELECT cannot fill them`);
    }
    const onConflict = n.onConflict?.updates
      ? { ...n.onConflict, updates: this.sealUpdates(table, n.onConflict.updates) }
      : n.onConflict;
    return { ...n, values, onConflict } as InsertQueryNode;
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    const n = super.transformUpdateQuery(node, queryId);
    const table = tableName(n.table);
    if (!table || !ENCRYPTED_TABLES[table] || !n.updates) return n;
    return { ...n, updates: this.sealUpdates(table, n.updates) } as UpdateQueryNode;
  }

  private sealUpdates(table: string, updates: readonly ColumnUpdateNode[]): ColumnUpdateNode[] {
    return updates.map((u) => {
      const column = columnName(u.column);
      return column ? ({ ...u, value: this.sealNode(table, column, u.value) } as ColumnUpdateNode) : u;
    });
  }

  private sealNode(table: string, column: string, node: OperationNode): OperationNode {
    if (!encryptedKind(table, column)) return node;
    if (node.kind === 'ValueNode') {
      const v = node as ValueNode;
      return { ...v, value: sealColumnValue(this.ring, table, column, v.value) } as ValueNode;
    }
    if (node.kind === 'DefaultInsertValueNode') return node;
    // ON CONFLICT … SET col = excluded.col copies the value this statement encrypted already.
    if (node.kind === 'ReferenceNode') {
      const ref = node as ReferenceNode;
      if (ref.table?.table.identifier.name === 'excluded' && columnName(ref) === column) return node;
    }
    throw new Error(`${table}.${column} is encrypted at rest: set it to a value, not an SQL expression`);
  }
}

export class EncryptionPlugin implements KyselyPlugin {
  readonly #sources = new WeakMap<QueryId, ResultSources>();
  readonly #sealer: Sealer;

  constructor(readonly ring: KeyRing) {
    this.#sealer = new Sealer(ring);
  }

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    assertNoEncryptedPredicates(node);
    const sources = resultSources(node);
    if (sources) this.#sources.set(queryId, sources);
    const writes =
      node.kind === 'InsertQueryNode' ||
      node.kind === 'UpdateQueryNode' ||
      (node as { with?: unknown }).with !== undefined; // a CTE may insert or update
    return writes ? this.#sealer.transformNode(node, queryId) : node;
  }

  async transformResult({ queryId, result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = result.rows;
    if (!rows?.length) return result;
    const sources = this.#sources.get(queryId);
    for (const row of rows) {
      for (const name in row) {
        const value = row[name];
        if (!looksSealed(value)) continue;
        const source = sources?.get(name);
        if (source === null) continue; // a column stored as it is, whatever it looks like
        row[name] = openValue(this.ring, source ?? guessedAads(name), value);
      }
    }
    return result;
  }
}

/** A cheap first test; openValue checks the envelope fully. */
function looksSealed(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith(TEXT_PREFIX);
  return value instanceof Uint8Array && value[0] === 0x00 && value[1] === 0x50;
}
