// The policy a new project starts with, as a model (DEFAULT_POLICY) and as the commented YAML the
// project's maintainers then edit (DEFAULT_POLICY_YAML). Both must equal what docs/policy.schema.json
// fills in for a file that says only `policyFormat: 1`; tests hold the three together.
import type { Policy } from './policy.types.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Frozen: copy it (structuredClone) before changing anything. */
export const DEFAULT_POLICY: Policy = deepFreeze<Policy>({
  policyFormat: 1,
  statusNotes: [],
  contacts: [],
  encryption: [],
  preferredLanguages: ['en'],
  report: { requireSteps: true, requireImpact: true },
  scope: {
    inScope: [
      {
        id: 'code',
        title: "Vulnerabilities in the project's code",
        reason:
          'Anything that lets an attacker break the confidentiality, integrity or availability of a system running a supported version.',
      },
      {
        id: 'release-artifacts',
        title: 'Vulnerabilities in released artifacts',
        reason: 'Published packages, images and their signatures are what users run.',
      },
    ],
    outOfScope: [
      {
        id: 'upstream-dependency',
        title: 'Vulnerabilities in a dependency that has its own security process',
        reason: "The dependency's maintainers fix it; the project then updates.",
        redirect:
          "Report it to the dependency's project. Tell us as well if the way this project uses it makes it exploitable.",
      },
      {
        id: 'unsupported-version',
        title: 'Issues that only affect unsupported versions',
        reason: 'Only supported versions receive security fixes.',
        redirect: 'Upgrade to a supported version and check whether the issue remains.',
      },
      {
        id: 'support-request',
        title: 'Help with hardening, configuration or applying updates',
        reason: 'These are support questions, not vulnerabilities.',
        redirect: "Ask in the project's community channels.",
      },
      {
        id: 'not-security',
        title: 'Bugs without a security impact',
        reason: 'They are handled in the open.',
        redirect: "Open an issue in the project's public issue tracker.",
      },
    ],
  },
  supportedVersions: [],
  severity: { mapping: { critical: 9.0, high: 7.0, medium: 4.0, low: 0.1 } },
  sla: {
    timeZone: 'UTC',
    businessDays: [1, 2, 3, 4, 5],
    holidays: [],
    atRiskShare: 0.75,
    needsInfoPausesClocks: true,
    default: {
      acknowledge: { unit: 'h', amount: 48, from: null },
      assess: { unit: 'bd', amount: 5, from: null },
      fix: { unit: 'd', amount: 90, from: null },
      disclose: { unit: 'd', amount: 90, from: null },
    },
    bySeverity: {
      critical: { fix: { unit: 'd', amount: 14, from: null } },
      high: { fix: { unit: 'd', amount: 30, from: null } },
      medium: { fix: { unit: 'd', amount: 60, from: null } },
      low: { fix: { unit: 'd', amount: 90, from: null } },
    },
  },
  disclosure: { defaultEmbargoDays: 90, maxEmbargoDays: 120, discloseWhenMitigationExists: false },
  credit: { reporterChooses: true },
  announcements: [],
  notifications: { detailsInMail: false },
  timeline: [],
  checklists: [],
});

/** The file a new project gets: every default spelt out, with comments, ready to edit. */
export const DEFAULT_POLICY_YAML = `# Security policy of this project (Parley policy format 1; see docs/policy.md).
# Parley renders SECURITY.md and security.txt from this file and keeps the deadlines below.
policyFormat: 1

# Short statements shown prominently, e.g. "Alpha: not recommended for production."
statusNotes: []

# Parley's report form is always the first contact; add mailto: or https: contacts here.
contacts: []
# https URLs of OpenPGP keys reporters may encrypt to.
encryption: []
preferredLanguages: [en]

report:
  requireSteps: true
  requireImpact: true

scope:
  inScope:
    - id: code
      title: Vulnerabilities in the project's code
      reason: >-
        Anything that lets an attacker break the confidentiality, integrity or availability
        of a system running a supported version.
    - id: release-artifacts
      title: Vulnerabilities in released artifacts
      reason: Published packages, images and their signatures are what users run.
  outOfScope:
    - id: upstream-dependency
      title: Vulnerabilities in a dependency that has its own security process
      reason: The dependency's maintainers fix it; the project then updates.
      redirect: >-
        Report it to the dependency's project. Tell us as well if the way this project
        uses it makes it exploitable.
    - id: unsupported-version
      title: Issues that only affect unsupported versions
      reason: Only supported versions receive security fixes.
      redirect: Upgrade to a supported version and check whether the issue remains.
    - id: support-request
      title: Help with hardening, configuration or applying updates
      reason: These are support questions, not vulnerabilities.
      redirect: Ask in the project's community channels.
    - id: not-security
      title: Bugs without a security impact
      reason: They are handled in the open.
      redirect: Open an issue in the project's public issue tracker.

# Semver ranges, first match wins, e.g. - { range: "1.x", supported: true }
supportedVersions: []

severity:
  # Minimum CVSS base score of each severity.
  mapping: { critical: 9.0, high: 7.0, medium: 4.0, low: 0.1 }

sla:
  timeZone: UTC
  businessDays: [mon, tue, wed, thu, fri]
  holidays: []
  atRiskShare: 0.75
  needsInfoPausesClocks: true
  # 48h = hours, 14d = calendar days, 5bd = business days, 24-48h = a range.
  default:
    acknowledge: 48h # from receipt
    assess: 5bd # from acknowledgement
    fix: 90d # from triage
    disclose: 90d # from triage
  bySeverity:
    critical: { fix: 14d }
    high: { fix: 30d }
    medium: { fix: 60d }
    low: { fix: 90d }

disclosure:
  defaultEmbargoDays: 90
  maxEmbargoDays: 120
  discloseWhenMitigationExists: false

credit:
  reporterChooses: true

announcements: []
timeline: []
checklists: []
`;
