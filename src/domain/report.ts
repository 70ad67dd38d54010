// A vulnerability report as a reporter submits it, and the rules every intake channel applies
// (form, API, and later e-mail): required fields, lengths, contact and credit choices.
import { ValidationError, type FieldError } from './errors.ts';
import { reportRequirements, type ReportRules } from './report-requirements.ts';

export const CREDIT_PREFERENCES = ['name', 'handle', 'anonymous'] as const;
export type CreditPreference = (typeof CREDIT_PREFERENCES)[number];

export interface ReportInput {
  title: string;
  description: string;
  stepsToReproduce: string;
  impact: string;
  affectedVersions: string;
  suggestedFix: string | null;
  reporterEmail: string | null;
  creditPreference: CreditPreference;
  /** The name or handle to credit; null when anonymous. */
  creditName: string | null;
  /**
   * The policy's out-of-scope category the reporter chose (a scope item id), or null for "a security
   * vulnerability in scope". Intake checks it against the project's policy.
   */
  scopeCategory: string | null;
  /** The reporter's armored OpenPGP public key (checked by intake), present only when given. */
  reporterPgpKey?: string;
}

/** What the project's policy asks of a report (policy `report` section); see report-requirements.ts. */
export type { ReportRules } from './report-requirements.ts';

/** Field limits, in characters. Generous for real write-ups, small enough to keep pages fast. */
export const REPORT_LIMITS = {
  title: 200,
  description: 50_000,
  stepsToReproduce: 50_000,
  impact: 20_000,
  affectedVersions: 1_000,
  suggestedFix: 20_000,
  reporterEmail: 254,
  creditName: 100,
  reporterPgpKey: 100_000,
  /** An armored PGP MESSAGE holding the report (encrypted intake). */
  encryptedReport: 300_000,
} as const;

// A pragmatic address check (one @, a dot in the domain, no spaces): the mailbox itself is proven
// only by mail reaching it, so stricter RFC 5322 parsing would reject real addresses for no gain.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function isEmail(v: string): boolean {
  return v.length <= REPORT_LIMITS.reporterEmail && EMAIL.test(v);
}

/**
 * Length in Unicode code points, the unit JSON Schema's maxLength uses, so the API schema and these
 * rules agree on what "200 characters" means (an emoji counts once, not twice).
 */
export function charLength(v: string): number {
  let n = 0;
  for (const _ of v) n++;
  return n;
}

function text(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  // Normalise line endings so the stored text is the same whichever channel it came by.
  return raw.replace(/\r\n?/g, '\n').trim();
}

/** Validates raw input (strings from a form or JSON) into a ReportInput, or throws with every field error. */
export function parseReportInput(
  raw: Record<string, unknown>,
  rules: ReportRules = { requireSteps: true, requireImpact: true },
): ReportInput {
  const errors: FieldError[] = [];
  const req = reportRequirements(rules);
  const required = (field: keyof typeof REPORT_LIMITS, label: string, min = 1): string => {
    const v = text(raw[field]);
    if (raw[field] !== undefined && raw[field] !== null && typeof raw[field] !== 'string') {
      errors.push({ field, message: `${label} must be text.` });
    } else if (charLength(v) < min) {
      // Say why when the project's policy, not Parley, asks for it: reporters then know it is on purpose.
      const why = (req.policy.required as Set<string>).has(field)
        ? ' This project’s policy asks for it.'
        : '';
      errors.push({
        field,
        message: (min > 1 ? `${label} needs at least ${min} characters.` : `${label} is required.`) + why,
      });
    } else if (charLength(v) > REPORT_LIMITS[field]) {
      errors.push({ field, message: `${label} is too long (at most ${REPORT_LIMITS[field]} characters).` });
    }
    return v;
  };
  const optional = (field: keyof typeof REPORT_LIMITS, label: string): string | null => {
    if (raw[field] !== undefined && raw[field] !== null && typeof raw[field] !== 'string') {
      errors.push({ field, message: `${label} must be text.` });
      return null;
    }
    const v = text(raw[field]);
    if (charLength(v) > REPORT_LIMITS[field]) {
      errors.push({ field, message: `${label} is too long (at most ${REPORT_LIMITS[field]} characters).` });
    }
    return v === '' ? null : v;
  };

  const field = (f: 'stepsToReproduce' | 'impact' | 'suggestedFix', label: string) =>
    req.required.has(f) ? required(f, label, req.min[f]) : optional(f, label);
  const title = required('title', 'Title', req.min.title);
  const description = required('description', 'Description', req.min.description);
  const stepsToReproduce = field('stepsToReproduce', 'Steps to reproduce') ?? '';
  const impact = field('impact', 'Impact') ?? '';
  const affectedVersions = required('affectedVersions', 'Affected versions', req.min.affectedVersions);
  const suggestedFix = field('suggestedFix', 'Suggested fix') || null;
  const reporterEmail = req.required.has('reporterEmail')
    ? required('reporterEmail', 'E-mail') || null
    : optional('reporterEmail', 'E-mail');
  if (reporterEmail !== null && !isEmail(reporterEmail)) {
    errors.push({ field: 'reporterEmail', message: 'This does not look like an e-mail address.' });
  }
  const pref =
    raw.creditPreference === undefined || raw.creditPreference === '' ? 'anonymous' : raw.creditPreference;
  let creditPreference: CreditPreference = 'anonymous';
  if (typeof pref === 'string' && (CREDIT_PREFERENCES as readonly string[]).includes(pref)) {
    creditPreference = pref as CreditPreference;
  } else {
    errors.push({ field: 'creditPreference', message: 'Choose name, handle or anonymous.' });
  }
  let creditName = optional('creditName', 'Name or handle');
  if (creditPreference === 'anonymous') creditName = null;
  else if (!creditName) {
    errors.push({
      field: 'creditName',
      message: `Give the ${creditPreference} to credit, or choose anonymous.`,
    });
  }
  let scopeCategory: string | null = null;
  const cat = raw.scopeCategory;
  if (cat !== undefined && cat !== null && cat !== '' && cat !== 'in-scope') {
    if (typeof cat !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(cat))
      errors.push({ field: 'scopeCategory', message: 'Choose one of the listed kinds of issue.' });
    else scopeCategory = cat;
  }
  const reporterPgpKey = optional('reporterPgpKey', 'Your OpenPGP public key');
  if (errors.length) throw new ValidationError(errors, 'The report has errors; nothing was submitted.');
  return {
    title,
    description,
    stepsToReproduce,
    impact,
    affectedVersions,
    suggestedFix,
    reporterEmail: reporterEmail?.toLowerCase() ?? null,
    creditPreference,
    creditName,
    scopeCategory,
    ...(reporterPgpKey ? { reporterPgpKey } : {}),
  };
}

export function formatCaseKey(projectKey: string, number: number): string {
  return `${projectKey}-${number}`;
}

/** Splits "CONURE-12" into its project key and number, or null when it is not a case key. */
export function parseCaseKey(key: string): { projectKey: string; number: number } | null {
  const m = /^([A-Z][A-Z0-9]{1,15})-([1-9][0-9]{0,9})$/.exec(key);
  if (!m) return null;
  return { projectKey: m[1]!, number: Number(m[2]) };
}

export const PROJECT_KEY = /^[A-Z][A-Z0-9]{1,15}$/;
export const PROJECT_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
