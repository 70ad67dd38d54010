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
}

export function createServices(deps: ServiceDeps): Services {
  const auth = new AuthService(deps);
  const policies = new PolicyService(deps);
  const cases = new CaseService(deps, policies);
  policies.onChange((slug) => cases.projectChanged(slug));
  const notifications = new NotificationService(deps);
  const advisories = new AdvisoryService(deps);
  const publicAdvisories = new AdvisoryPublicService(deps);
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
    publishing: new AdvisoryPublishingService(deps, advisories, notifications),
    publicAdvisories,
    advisoryImport: new AdvisoryImportService(deps),
    advisoryExport: new AdvisoryExportService(deps, publicAdvisories),
    osv: new OsvQueryService(deps, publicAdvisories),
    projectKeys: new ProjectKeyService(deps),
    caseNotifier: new CaseNotifier(deps),
  };
}
