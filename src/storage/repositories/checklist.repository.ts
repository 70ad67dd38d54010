// Ticks of a case's response checklists (the items themselves come from the case's policy).
import type { Kysely } from 'kysely';
import type { ChecklistItemRow, Database } from '../schema.ts';

type Db = Kysely<Database>;

export async function listTicks(db: Db, caseId: string) {
  return db
    .selectFrom('case_checklist_items')
    .leftJoin('users', 'users.id', 'case_checklist_items.changed_by')
    .select([
      'case_checklist_items.checklist_id',
      'case_checklist_items.item_id',
      'case_checklist_items.checked',
      'case_checklist_items.changed_at',
      'users.name as changed_by_name',
    ])
    .where('case_checklist_items.case_id', '=', caseId)
    .execute();
}

export async function upsertTick(db: Db, row: ChecklistItemRow): Promise<void> {
  await db
    .insertInto('case_checklist_items')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['case_id', 'checklist_id', 'item_id'])
        .doUpdateSet({ checked: row.checked, changed_at: row.changed_at, changed_by: row.changed_by }),
    )
    .execute();
}
