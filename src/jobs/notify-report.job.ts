// Sends the notifications of a report filed through the web form or the API. The job row is written
// in the report's own transaction (storage/report-intake.ts), so no committed report goes unnoticed,
// even when the process dies right after answering 201.
import type { JobRunner } from './runner.ts';
import type { Services } from '../services/index.ts';
import { REPORT_CREATED_JOB } from '../services/notify/case-notifier.ts';

export function registerNotifyReport(runner: JobRunner, services: Services): void {
  runner.register<{ caseId?: unknown }>(REPORT_CREATED_JOB, async (payload) => {
    if (typeof payload.caseId === 'string') await services.caseNotifier.reportCreated(payload.caseId);
  });
}
