// Which columns are encrypted at rest: every column a report's text (or text derived from it) is
// written to, found by the canary test (test/integration/encryption-at-rest.test.ts). Nothing may
// filter, sort, group or LIKE these columns in SQL: the database only sees ciphertext.
// Adding a column here is enough for new writes; `parley keys rotate` encrypts the existing rows.

export interface EncryptedTable {
  /** Single-column primary key: rotation walks the table by it. */
  pk: string;
  text: readonly string[];
  blob: readonly string[];
}

export const ENCRYPTED_TABLES: Readonly<Record<string, EncryptedTable>> = {
  cases: {
    pk: 'id',
    text: [
      'title',
      'description',
      'steps_to_reproduce',
      'impact',
      'affected_versions',
      'suggested_fix',
      'credit_name',
      'party_summary',
      'severity_reason',
    ],
    blob: [],
  },
  messages: { pk: 'id', text: ['body'], blob: [] },
  case_events: { pk: 'id', text: ['data'], blob: [] },
  attachments: { pk: 'id', text: ['filename'], blob: ['content'] },
  // Mail and webhook deliveries carry titles and message text when a policy allows details in mail.
  outbox: { pk: 'id', text: ['subject', 'body', 'payload'], blob: [] },
  // In-app notices: reminders and the daily digest quote case titles.
  notifications: { pk: 'id', text: ['title', 'body'], blob: [] },
};

export type ColumnKind = 'text' | 'blob';

/** The kind of an encrypted column, or undefined when the column is stored as it is. */
export function encryptedKind(table: string, column: string): ColumnKind | undefined {
  const t = ENCRYPTED_TABLES[table];
  if (!t) return undefined;
  if (t.text.includes(column)) return 'text';
  if (t.blob.includes(column)) return 'blob';
  return undefined;
}

/** Every encrypted column as `table.column`, and the tables holding a column of each name. */
export const ALL_ENCRYPTED: readonly { table: string; column: string; kind: ColumnKind }[] = Object.entries(
  ENCRYPTED_TABLES,
).flatMap(([table, t]) => [
  ...t.text.map((column) => ({ table, column, kind: 'text' as const })),
  ...t.blob.map((column) => ({ table, column, kind: 'blob' as const })),
]);

export const TABLES_BY_COLUMN: ReadonlyMap<string, readonly string[]> = ALL_ENCRYPTED.reduce((m, c) => {
  m.set(c.column, [...(m.get(c.column) ?? []), c.table]);
  return m;
}, new Map<string, string[]>());
