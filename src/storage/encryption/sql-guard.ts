// Refuses queries that compare, sort or group by an encrypted column: the database only holds
// ciphertext under a random IV, so such a query would quietly match nothing (or sort at random)
// instead of failing. Only `is null` / `is not null` stay allowed. Raw SQL cannot be checked.
import type { BinaryOperationNode, OperationNode, ReferenceNode, RootOperationNode } from 'kysely';
import { encryptedKind } from './encrypted-columns.ts';
import { scopeOf, queryTables } from './result-sources.ts';

type Aliases = Map<string, string | undefined>;

const PREDICATE_PARTS = new Set(['where', 'having', 'orderBy', 'groupBy', 'on', 'distinctOn']);

export class EncryptedPredicateError extends Error {
  override name = 'EncryptedPredicateError';
}

export function assertNoEncryptedPredicates(node: RootOperationNode): void {
  walk(node, { aliases: new Map(), own: [] }, false);
}

interface Scope {
  aliases: Aliases;
  /** The tables of the innermost query, which unqualified column names refer to. */
  own: (string | undefined)[];
}

function walk(node: unknown, scope: Scope, predicate: boolean): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, scope, predicate);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as OperationNode & Record<string, unknown>;
  if (typeof n.kind !== 'string') return;
  switch (n.kind) {
    case 'SelectQueryNode':
    case 'UpdateQueryNode':
    case 'DeleteQueryNode':
    case 'InsertQueryNode': {
      // A (sub)query: its own tables, and the outer aliases for correlated references.
      const own = scopeOf(queryTables(n)!);
      const inner: Scope = { aliases: new Map([...scope.aliases, ...own]), own: [...own.values()] };
      for (const key in n) walk(n[key], inner, predicate || PREDICATE_PARTS.has(key));
      return;
    }
    case 'JoinNode':
      walk(n.table, scope, predicate);
      walk(n.on, scope, true);
      return;
    case 'ValueNode':
    case 'PrimitiveValueListNode':
    case 'IdentifierNode':
    case 'TableNode':
      return;
    case 'BinaryOperationNode': {
      const b = n as unknown as BinaryOperationNode;
      const op = (b.operator as unknown as { operator?: string }).operator;
      if (predicate && (op === 'is' || op === 'is not')) return walk(b.rightOperand, scope, predicate);
      break;
    }
    case 'ReferenceNode': {
      const where = predicate && encryptedReference(n as unknown as ReferenceNode, scope);
      if (where)
        throw new EncryptedPredicateError(
          `${where} is encrypted at rest: it cannot be compared, sorted or grouped in SQL; do it in the app`,
        );
      return;
    }
  }
  for (const key in n) if (key !== 'kind') walk(n[key], scope, predicate || PREDICATE_PARTS.has(key));
}

/** `table.column` when the reference names an encrypted column for sure; unqualified names only in one-table queries. */
function encryptedReference(ref: ReferenceNode, { aliases, own }: Scope): string | undefined {
  if (ref.column.kind !== 'ColumnNode') return undefined;
  const column = ref.column.column.name;
  let table: string | undefined;
  if (ref.table) {
    const name = ref.table.table.identifier.name;
    table = aliases.has(name) ? aliases.get(name) : name;
  } else if (own.length === 1) {
    table = own[0];
  }
  return table && encryptedKind(table, column) ? `${table}.${column}` : undefined;
}
