// The policy-as-code model (DESIGN.md §1 Policy): the shape a project's policy YAML parses into. The
// JSON Schema in docs/policy.schema.json describes the same document; keep the two in step.
// Field names in YAML are the camelCase names below.
import type { Severity } from '../case-state.ts';
import type { MinLengthField, RequirableField } from '../report-requirements.ts';

/**
 * A duration as written in a policy: `48h` (hours of elapsed time), `14d` (calendar days in the policy's
 * time zone, same local time of day), `5bd` (business days in the time zone, skipping weekends and holidays).
 * A range `24-48h` / `3-5bd` states a target and a limit: the clock's due time is the upper bound; the
 * rendered policy shows the range.
 */
export type DurationText = string;

export type DurationUnit = 'h' | 'd' | 'bd';

export interface Duration {
  unit: DurationUnit;
  /** The limit: the clock is due when this much time (in `unit`) has been used. */
  amount: number;
  /** The lower end of a stated range (`24-48h` → 24), shown in rendered text only. */
  from: number | null;
}

export const CLOCKS = ['acknowledge', 'assess', 'fix', 'disclose'] as const;
export type ClockName = (typeof CLOCKS)[number];

export interface Contact {
  /** `mailto:` or `https:` URI, as security.txt wants it. */
  uri: string;
  /** Shown beside the contact, e.g. "security team list". */
  label?: string;
}

export interface ScopeItem {
  /** Stable id, used as the out-of-scope category a reporter can pick on the form. */
  id: string;
  title: string;
  /** Why it is (out of) scope, shown to reporters. */
  reason?: string;
  /** Where to go instead (e.g. the upstream project's security policy), inline Markdown shown with the reason. */
  redirect?: string;
}

export interface SupportedVersion {
  /** A semver range (node-semver syntax), e.g. `>=1.0.0 <2.0.0`, `1.x`, `<1.0.0`. */
  range: string;
  supported: boolean;
  note?: string;
}

export interface SlaSet {
  acknowledge?: Duration;
  assess?: Duration;
  fix?: Duration;
  disclose?: Duration;
}

export interface SlaPolicy {
  /** IANA zone for business days and calendar days, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** ISO weekday numbers (1 = Monday … 7 = Sunday) that count as business days. Default 1–5. */
  businessDays: number[];
  /** Local dates (`YYYY-MM-DD`) that are not business days. */
  holidays: string[];
  /** Share of a clock's time after which it is `at-risk`; default 0.75. */
  atRiskShare: number;
  /** Whether the `needs-info` flag pauses every running clock. */
  needsInfoPausesClocks: boolean;
  /** Clocks for any severity (and for cases whose severity is not known yet). */
  default: SlaSet;
  /** Per-severity clocks; a missing entry falls back to `default`. */
  bySeverity: Partial<Record<Severity, SlaSet>>;
}

/** Minimum CVSS base score for each severity (a score below `low` maps to no severity: "none"). */
export type SeverityMapping = Record<Severity, number>;

export interface DisclosurePolicy {
  defaultEmbargoDays: number;
  maxEmbargoDays: number;
  /** Disclose (at least a mitigation) as soon as one exists, even before the fix. */
  discloseWhenMitigationExists: boolean;
  /** Free text (Markdown) about disclosure, e.g. "distributors publish their own advisories". */
  notes?: string;
}

export interface CreditPolicy {
  /** The reporter chooses name, handle or anonymity. */
  reporterChooses: boolean;
  notes?: string;
}

export interface Announcement {
  name: string;
  /** `mailto:` or `https:` URI. */
  uri: string;
  notes?: string;
}

export interface TimelineStep {
  /** e.g. `Day 0`, `Day 1–2`. */
  when: string;
  what: string;
}

export interface Checklist {
  id: string;
  title: string;
  items: { id: string; text: string }[];
}

export interface ReportGuidance {
  /** Text shown above the report form (Markdown-free plain text), e.g. "Reports must be self-contained". */
  intro?: string;
  /** Whether the form asks for steps to reproduce / impact as required (default true). */
  requireSteps: boolean;
  requireImpact: boolean;
  /** Fields every report must have, on every channel (mail too); see domain/report-requirements.ts. */
  required?: RequirableField[];
  /** Minimum lengths in characters; a field with a minimum is required. */
  minLength?: Partial<Record<MinLengthField, number>>;
}

export interface Policy {
  /** Format version of the policy file. Only 1 exists. */
  policyFormat: 1;
  /** Short statements shown prominently, e.g. "alpha: not recommended for production". */
  statusNotes: string[];
  /** Where reports go besides Parley's own form (which is always listed first). */
  contacts: Contact[];
  /** URLs of OpenPGP keys (security.txt `Encryption`). */
  encryption: string[];
  /** BCP 47 language tags, e.g. `en`, `de`. */
  preferredLanguages: string[];
  /** Intro paragraph for SECURITY.md and the policy page. */
  summary?: string;
  report: ReportGuidance;
  scope: { inScope: ScopeItem[]; outOfScope: ScopeItem[] };
  supportedVersions: SupportedVersion[];
  severity: { mapping: SeverityMapping };
  sla: SlaPolicy;
  disclosure: DisclosurePolicy;
  credit: CreditPolicy;
  announcements: Announcement[];
  /** What notification e-mail may carry (details only when allowed or encrypted). */
  notifications: { detailsInMail: boolean };
  /** The response process, Markdown. */
  process?: string;
  timeline: TimelineStep[];
  checklists: Checklist[];
}
