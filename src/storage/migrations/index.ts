// The one migration set, listed in code so that it works the same from source, tests and the CLI.
// Names are ISO-dated; Kysely applies them in name order.
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-23-initial.ts';
import * as policy from './2026-11-23-policy.ts';
import * as jobs from './2026-11-23-jobs.ts';
import * as advisories from './2026-11-24-advisories.ts';
import * as channels from './2026-11-25-channels.ts';
import * as coordination from './2026-11-26-coordination.ts';
import * as accounts from './2026-11-27-accounts.ts';
import * as encryption from './2026-11-27-encryption.ts';

const migrations: Record<string, Migration> = {
  '2026-11-23-initial': initial,
  '2026-11-23-policy': policy,
  '2026-11-23-jobs': jobs,
  '2026-11-24-advisories': advisories,
  '2026-11-25-channels': channels,
  '2026-11-26-coordination': coordination,
  '2026-11-27-accounts': accounts,
  '2026-11-27-encryption': encryption,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const MIGRATION_NAMES = Object.keys(migrations).sort();
export const LATEST_MIGRATION = MIGRATION_NAMES.at(-1)!;
