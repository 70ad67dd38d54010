// STUB (filled in by the outgoing-mail work): turns case events written in a transaction into
// outbox rows (team and reporter mail, webhooks) in that same transaction.
import type { Kysely } from 'kysely';
import type { CaseRow, Database } from '../../storage/schema.ts';
import type { ServiceDeps } from '../deps.ts';

export interface NotifiableEvent {
  /** The case event's id, when known (dedupe keys use it). */
  id?: number;
  type: string;
  visibility: 'reporter' | 'internal';
  actorKind: 'reporter' | 'user' | 'system';
  actorUserId?: string | null;
  messageId?: string | null;
  data?: Record<string, unknown>;
}

export class CaseNotifier {
  constructor(private readonly deps: ServiceDeps) {}

  /** Queues the mail and webhook calls these events of `row` cause. Call inside the transaction. */
  async onEvents(db: Kysely<Database>, row: CaseRow, events: NotifiableEvent[]): Promise<void> {
    void db;
    void row;
    void events;
    void this.deps;
  }
}
