// A signed-in member's mail preferences: which notices also come by e-mail.
import { ValidationError } from '../domain/errors.ts';
import { MAIL_PREF_KEYS, parseMailPrefs, type MailPrefs } from '../domain/mail-prefs.ts';
import * as prefs from '../storage/repositories/mail-prefs.repository.ts';
import type { ServiceDeps } from './deps.ts';
import type { Actor } from './actor.ts';
import { requireUser } from './access.ts';

export class MailPrefsService {
  constructor(private readonly deps: ServiceDeps) {}

  async get(actor: Actor): Promise<MailPrefs> {
    const user = requireUser(actor);
    return parseMailPrefs(await prefs.getMailPrefs(this.deps.db, user.id));
  }

  /** Sets every preference at once: a key given true/"on"/"true" is on, everything else off. */
  async set(actor: Actor, raw: Record<string, unknown>): Promise<MailPrefs> {
    const user = requireUser(actor);
    const unknown = Object.keys(raw).filter((k) => !(MAIL_PREF_KEYS as readonly string[]).includes(k));
    if (unknown.length)
      throw new ValidationError(unknown.map((k) => ({ field: k, message: `Not a mail preference.` })));
    const next = Object.fromEntries(
      MAIL_PREF_KEYS.map((k) => [k, raw[k] === true || raw[k] === 'on' || raw[k] === 'true']),
    ) as MailPrefs;
    await prefs.setMailPrefs(this.deps.db, user.id, JSON.stringify(next));
    return next;
  }
}
