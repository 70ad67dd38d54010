// Policy as code: versioned policy documents per project, the policy version each case was opened
// under, intake checks (scope category, supported version), CVSS vectors, clock bookkeeping and
// response checklists. Frozen: later changes go in new migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('policies')
    .addColumn('project_id', 'varchar(36)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addPrimaryKeyConstraint('policies_pk', ['project_id', 'version'])
    .execute();

  // 0 = the built-in default policy (DEFAULT_POLICY_YAML), which every project starts with.
  await db.schema
    .alterTable('projects')
    .addColumn('policy_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // SQLite adds one column per ALTER TABLE.
  const caseColumns: [string, string, boolean][] = [
    ['policy_version', 'integer', true],
    ['version_status', 'varchar(16)', false],
    ['scope_category', 'varchar(64)', false],
    ['cvss3_vector', 'varchar(200)', false],
    ['cvss4_vector', 'varchar(400)', false],
    ['severity_reason', 'text', false],
    ['next_due_at', ts, false],
    ['needs_info_log', 'text', true],
  ];
  for (const [name, type, notNull] of caseColumns) {
    await db.schema
      .alterTable('cases')
      .addColumn(name, type as 'text', (c) =>
        notNull ? c.notNull().defaultTo(name === 'policy_version' ? 0 : '[]') : c,
      )
      .execute();
  }
  await db.schema.createIndex('cases_next_due_idx').on('cases').columns(['next_due_at']).execute();

  await db.schema
    .createTable('case_checklist_items')
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('checklist_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('item_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('checked', 'integer', (c) => c.notNull())
    .addColumn('changed_at', ts, (c) => c.notNull())
    .addColumn('changed_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addPrimaryKeyConstraint('case_checklist_items_pk', ['case_id', 'checklist_id', 'item_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_checklist_items').execute();
  await db.schema.dropIndex('cases_next_due_idx').execute();
  for (const c of [
    'needs_info_log',
    'next_due_at',
    'severity_reason',
    'cvss4_vector',
    'cvss3_vector',
    'scope_category',
    'version_status',
    'policy_version',
  ]) {
    await db.schema.alterTable('cases').dropColumn(c).execute();
  }
  await db.schema.alterTable('projects').dropColumn('policy_version').execute();
  await db.schema.dropTable('policies').execute();
}
