// Hourly: remind parties that stay silent on an open case (see services/coordination/party-reminders.ts).
// The state (notified, viewed, reminded times) lives on the parties, so a missed tick loses nothing.
import type { JobRunner } from './runner.ts';
import type { Services } from '../services/index.ts';

export const REMIND_PARTIES = 'parties.remind';

export function registerPartyReminders(runner: JobRunner, services: Services): void {
  runner.register(REMIND_PARTIES, async () => {
    await services.parties.remindSilent();
  });
  runner.schedule(REMIND_PARTIES, '17 * * * *');
}
