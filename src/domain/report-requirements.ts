// What a project's policy requires of a report (policy `report.required` and `report.minLength`, and
// the older `requireSteps`/`requireImpact` switches), worked out once so that the form, the API, mail
// intake, the policy page and SECURITY.md all say and enforce the same thing. A proof of concept has
// no field of its own: it goes in "Steps to reproduce" (commands, requests, code), which the policy can
// require and give a minimum length; mail intake also accepts an attached file as one.

/** Report fields a policy can require (title, description and affected versions always are). */
export const REQUIRABLE_FIELDS = [
  'stepsToReproduce',
  'impact',
  'affectedVersions',
  'suggestedFix',
  'reporterEmail',
] as const;
export type RequirableField = (typeof REQUIRABLE_FIELDS)[number];

/** Fields a policy can give a minimum length, in characters. */
export const MIN_LENGTH_FIELDS = [
  'title',
  'description',
  'stepsToReproduce',
  'impact',
  'affectedVersions',
  'suggestedFix',
] as const;
export type MinLengthField = (typeof MIN_LENGTH_FIELDS)[number];

export type RequirementField = RequirableField | MinLengthField;

/** The policy's say on a report: the `report` section (or the parts of it intake needs). */
export interface ReportRules {
  requireSteps: boolean;
  requireImpact: boolean;
  required?: readonly string[] | undefined;
  minLength?: Partial<Record<string, number>> | undefined;
}

export const FIELD_LABELS: Record<RequirementField, string> = {
  title: 'Title',
  description: 'Description',
  stepsToReproduce: 'Steps to reproduce',
  impact: 'Impact',
  affectedVersions: 'Affected versions',
  suggestedFix: 'Suggested fix',
  reporterEmail: 'E-mail',
};

/** Floors every channel applies; a policy can raise them, never lower them. */
const BUILT_IN_MIN: Partial<Record<MinLengthField, number>> = { title: 5, description: 20 };
const ALWAYS: readonly RequirementField[] = ['title', 'description', 'affectedVersions'];

export interface Requirements {
  /** Fields that must be filled in on the form and API. */
  required: Set<RequirementField>;
  /** Minimum length in characters of each required field (1 when the policy says nothing). */
  min: Record<RequirementField, number>;
  /**
   * What the policy asks beyond the built-in rules (`required`, `minLength`): enforced on every channel,
   * mail included. The older `requireSteps`/`requireImpact` switches are about the form and API only.
   */
  policy: { required: Set<RequirementField>; min: Partial<Record<RequirementField, number>> };
}

export function reportRequirements(rules: ReportRules): Requirements {
  const policyRequired = new Set<RequirementField>();
  const policyMin: Partial<Record<RequirementField, number>> = {};
  for (const f of rules.required ?? [])
    if ((REQUIRABLE_FIELDS as readonly string[]).includes(f)) policyRequired.add(f as RequirableField);
  for (const [f, n] of Object.entries(rules.minLength ?? {})) {
    if (!(MIN_LENGTH_FIELDS as readonly string[]).includes(f) || typeof n !== 'number' || n < 1) continue;
    // A minimum length makes the field required: an empty field is shorter than any minimum.
    policyRequired.add(f as MinLengthField);
    policyMin[f as MinLengthField] = n;
  }
  const required = new Set<RequirementField>([...ALWAYS, ...policyRequired]);
  if (rules.requireSteps) required.add('stepsToReproduce');
  if (rules.requireImpact) required.add('impact');
  const min = {} as Record<RequirementField, number>;
  for (const f of Object.keys(FIELD_LABELS) as RequirementField[]) {
    min[f] = Math.max(1, BUILT_IN_MIN[f as MinLengthField] ?? 1, policyMin[f] ?? 0);
  }
  return { required, min, policy: { required: policyRequired, min: policyMin } };
}

/** How a requirement reads to reporters, e.g. "Steps to reproduce (a proof of concept; at least 200 characters)". */
export function requirementText(field: RequirementField, minLength: number | undefined): string {
  const name =
    field === 'stepsToReproduce'
      ? 'steps to reproduce with a proof of concept'
      : field === 'reporterEmail'
        ? 'an e-mail address to reach you'
        : FIELD_LABELS[field].toLowerCase();
  return minLength && minLength > 1 ? `${name} (at least ${minLength} characters)` : name;
}

/**
 * The policy's own requirements as one sentence for the policy page and SECURITY.md, or null when it
 * adds none to the defaults.
 */
export function requirementsSentence(rules: ReportRules): string | null {
  const { policy } = reportRequirements(rules);
  if (!policy.required.size) return null;
  const order = [...MIN_LENGTH_FIELDS, 'reporterEmail'] as RequirementField[];
  const parts = order.filter((f) => policy.required.has(f)).map((f) => requirementText(f, policy.min[f]));
  return `Every report must include: ${parts.join('; ')}. Reports without them are refused.`;
}

/**
 * The policy's own requirements checked against a report that did not come through the form (a
 * mailed report, mapped onto the fields by its headings). `proofAttached`: the mail carries a file,
 * which counts as the proof of concept that "steps to reproduce" asks for.
 */
export function policyRequirementErrors(
  values: Partial<Record<RequirementField, string | null>>,
  rules: ReportRules,
  opts: { proofAttached: boolean } = { proofAttached: false },
): Array<{ field: RequirementField; message: string }> {
  const { policy } = reportRequirements(rules);
  const errors: Array<{ field: RequirementField; message: string }> = [];
  for (const f of policy.required) {
    if (f === 'stepsToReproduce' && opts.proofAttached) continue;
    const v = (values[f] ?? '').trim();
    const min = policy.min[f] ?? 1;
    if ([...v].length >= min) continue;
    errors.push({
      field: f,
      message: min > 1 ? `${FIELD_LABELS[f]}: at least ${min} characters` : `${FIELD_LABELS[f]}: missing`,
    });
  }
  return errors;
}
