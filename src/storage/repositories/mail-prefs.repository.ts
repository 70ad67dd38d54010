// Team members with what the notifier needs to mail them: address, account state, mail preferences.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database>;

export interface TeamRecipient {
  id: string;
  email: string;
  name: string;
  role: 'maintainer' | 'responder';
  disabled_at: string | null;
  mail_prefs: string;
}

export async function listTeamRecipients(db: Db, projectId: string): Promise<TeamRecipient[]> {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'memberships.role',
      'users.disabled_at',
      'users.mail_prefs',
    ])
    .where('memberships.project_id', '=', projectId)
    .orderBy('users.email')
    .execute();
}

export async function getMailPrefs(db: Db, userId: string): Promise<string | undefined> {
  const r = await db.selectFrom('users').select('mail_prefs').where('id', '=', userId).executeTakeFirst();
  return r?.mail_prefs;
}

export async function setMailPrefs(db: Db, userId: string, json: string): Promise<void> {
  await db.updateTable('users').set({ mail_prefs: json }).where('id', '=', userId).execute();
}
