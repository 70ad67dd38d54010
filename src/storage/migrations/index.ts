// The one migration set, listed in code so that it works the same from source, tests and the CLI.
// Names are ISO-dated; Kysely applies them in name order.
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-23-initial.ts';

const migrations: Record<string, Migration> = {
  '2026-11-23-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;
