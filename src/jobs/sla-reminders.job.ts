// Every five minutes: raise at-risk and overdue notices for running SLA clocks (ReminderService).
import type { JobRunner } from './runner.ts';
import type { Services } from '../services/index.ts';

export const SLA_REMINDERS = 'sla.reminders';

export function registerSlaReminders(runner: JobRunner, services: Services): void {
  runner.register(SLA_REMINDERS, async () => {
    await services.reminders.scanDeadlines();
  });
  runner.schedule(SLA_REMINDERS, '*/5 * * * *');
}
