// Wires the services over one set of dependencies.
import type { ServiceDeps } from './deps.ts';
import { AuthService } from './auth.service.ts';
import { ProjectService } from './project.service.ts';
import { CaseService } from './case.service.ts';
import { PolicyService } from './policy.service.ts';
import { ChecklistService } from './checklist.service.ts';
import { NotificationService } from './notification.service.ts';
import { ReminderService } from './reminder.service.ts';
import { MetricsService } from './metrics.service.ts';
import { AdvisoryService } from './advisories/advisory.service.ts';
import { AdvisoryPublishingService } from './advisories/advisory-publishing.service.ts';
import { AdvisoryPublicService } from './advisories/advisory-public.service.ts';
import { AdvisoryImportService } from './advisories/advisory-import.service.ts';
import { AdvisoryExportService } from './advisories/advisory-export.service.ts';
import { OsvQueryService } from './advisories/osv-query.service.ts';
import { ProjectKeyService } from './project-keys.service.ts';
import { CaseNotifier } from './notify/case-notifier.ts';
import { AnnouncementService } from './announcements/announcement.service.ts';
import { OutboxAdminService } from './outbox/outbox-admin.service.ts';
import { MailPrefsService } from './mail-prefs.service.ts';
import { MailIntakeService } from './mail/mail-intake.service.ts';
import { WebhookService } from './webhooks/webhook.service.ts';

export interface Services {
  deps: ServiceDeps;
  auth: AuthService;
  projects: ProjectService;
  cases: CaseService;
  policies: PolicyService;
  checklists: ChecklistService;
  notifications: NotificationService;
  reminders: ReminderService;
  metrics: MetricsService;
  advisories: AdvisoryService;
  publishing: AdvisoryPublishingService;
  publicAdvisories: AdvisoryPublicService;
  advisoryImport: AdvisoryImportService;
  advisoryExport: AdvisoryExportService;
  osv: OsvQueryService;
  projectKeys: ProjectKeyService;
  caseNotifier: CaseNotifier;
  announcements: AnnouncementService;
  outbox: OutboxAdminService;
  mailPrefs: MailPrefsService;
  mailIntake: MailIntakeService;
  webhooks: WebhookService;
}

export function createServices(deps: ServiceDeps): Services {
  const auth = new AuthService(deps);
  const policies = new PolicyService(deps);
  const caseNotifier = new CaseNotifier(deps, policies);
  const cases = new CaseService(deps, policies, caseNotifier);
  policies.onChange((slug) => cases.projectChanged(slug));
  const notifications = new NotificationService(deps);
  const advisories = new AdvisoryService(deps);
  const publicAdvisories = new AdvisoryPublicService(deps);
  const projectKeys = new ProjectKeyService(deps);
  const announcements = new AnnouncementService(deps, projectKeys);
  return {
    deps,
    auth,
    projects: new ProjectService(deps, auth),
    cases,
    policies,
    checklists: new ChecklistService(deps, policies),
    notifications,
    reminders: new ReminderService(deps, policies, notifications),
    metrics: new MetricsService(deps, policies),
    advisories,
    publishing: new AdvisoryPublishingService(deps, advisories, notifications, announcements),
    publicAdvisories,
    advisoryImport: new AdvisoryImportService(deps),
    advisoryExport: new AdvisoryExportService(deps, publicAdvisories),
    osv: new OsvQueryService(deps, publicAdvisories),
    projectKeys,
    caseNotifier,
    announcements,
    outbox: new OutboxAdminService(deps),
    mailPrefs: new MailPrefsService(deps),
    mailIntake: new MailIntakeService(deps, policies, caseNotifier, projectKeys),
    webhooks: new WebhookService(deps),
  };
}
