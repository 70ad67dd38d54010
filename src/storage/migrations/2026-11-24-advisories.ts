// Advisories: the current content of each (JSON, plus the columns lists filter on), every saved
// revision, the cases it came from, and two query indexes the OSV API reads — affected packages by
// (ecosystem, name) and purl, and commits named in GIT ranges. Frozen: later changes go in new
// migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('advisories')
    // Opaque key used by team pages and the API; the public id is assigned only at publication.
    .addColumn('uid', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('id', 'varchar(128)', (c) => c.unique())
    .addColumn('project_id', 'varchar(36)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('severity', 'varchar(16)')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('published_at', ts)
    .addColumn('modified_at', ts)
    .addColumn('withdrawn_at', ts)
    .addColumn('withdrawn_reason', 'text')
    .addColumn('scheduled_for', ts)
    .addColumn('scheduled_zone', 'varchar(64)')
    .addColumn('scheduled_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('advisories_state_idx')
    .on('advisories')
    .columns(['state', 'published_at'])
    .execute();
  await db.schema.createIndex('advisories_project_idx').on('advisories').columns(['project_id']).execute();
  await db.schema
    .createIndex('advisories_schedule_idx')
    .on('advisories')
    .columns(['scheduled_for'])
    .execute();

  await db.schema
    .createTable('advisory_revisions')
    .addColumn('advisory_uid', 'varchar(36)', (c) =>
      c.notNull().references('advisories.uid').onDelete('cascade'),
    )
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    // Numbered 1, 2 … over the revisions the public has seen (CSAF revision history).
    .addColumn('public_number', 'integer')
    .addColumn('public_at', ts)
    .addPrimaryKeyConstraint('advisory_revisions_pk', ['advisory_uid', 'revision'])
    .execute();

  await db.schema
    .createTable('advisory_cases')
    .addColumn('advisory_uid', 'varchar(36)', (c) =>
      c.notNull().references('advisories.uid').onDelete('cascade'),
    )
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('advisory_cases_pk', ['advisory_uid', 'case_id'])
    .execute();
  await db.schema.createIndex('advisory_cases_case_idx').on('advisory_cases').columns(['case_id']).execute();

  await db.schema
    .createTable('advisory_packages')
    .addColumn('advisory_uid', 'varchar(36)', (c) =>
      c.notNull().references('advisories.uid').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('ecosystem', 'varchar(200)', (c) => c.notNull())
    // The ecosystem without its ":suffix" (Debian:12 → Debian), which is what queries usually name.
    .addColumn('ecosystem_base', 'varchar(100)', (c) => c.notNull())
    .addColumn('name', 'varchar(1000)', (c) => c.notNull())
    .addColumn('purl', 'varchar(1000)')
    // The package's AffectedPackage JSON, so a query evaluates ranges without loading the advisory.
    .addColumn('affected', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_packages_pk', ['advisory_uid', 'seq'])
    .execute();
  await db.schema
    .createIndex('advisory_packages_name_idx')
    .on('advisory_packages')
    .columns(['name', 'ecosystem_base'])
    .execute();
  await db.schema
    .createIndex('advisory_packages_purl_idx')
    .on('advisory_packages')
    .columns(['purl'])
    .execute();

  await db.schema
    .createTable('advisory_commits')
    .addColumn('advisory_uid', 'varchar(36)', (c) =>
      c.notNull().references('advisories.uid').onDelete('cascade'),
    )
    .addColumn('commit_hash', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_commits_pk', ['advisory_uid', 'commit_hash'])
    .execute();
  await db.schema
    .createIndex('advisory_commits_hash_idx')
    .on('advisory_commits')
    .columns(['commit_hash'])
    .execute();

  // Umbrella projects: a component names its umbrella, whose advisory lists and feeds include it.
  await db.schema
    .alterTable('projects')
    .addColumn('parent_id', 'varchar(36)', (c) => c.references('projects.id').onDelete('set null'))
    .execute();

  // Public ids are numbered per prefix and year in publication order, so they have no gaps that
  // would hint at an advisory still under embargo.
  await db.schema
    .createTable('advisory_counters')
    .addColumn('prefix', 'varchar(32)', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_counters_pk', ['prefix', 'year'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('parent_id').execute();
  for (const t of [
    'advisory_counters',
    'advisory_commits',
    'advisory_packages',
    'advisory_cases',
    'advisory_revisions',
    'advisories',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
