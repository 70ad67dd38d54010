// What the policy renderers need to know besides the policy: the project's name and the public URLs the
// instance serves it at, and the time (security.txt expires a year after rendering).
export interface PolicyRenderContext {
  projectName: string;
  /** The project's report form, e.g. https://parley.example/p/conure/report. Always the first contact. */
  reportUrl: string;
  /** The project's policy page, e.g. https://parley.example/p/conure. */
  policyUrl: string;
  /** Where this security.txt is served (one `Canonical:` line each). */
  securityTxtUrls: string[];
  /** Hall of fame page, or null when there is none. */
  acknowledgmentsUrl: string | null;
  /** CSAF provider-metadata.json (the `CSAF:` field CSAF 2.0 registered for security.txt), if served. */
  csafUrl?: string | null;
  now: Date;
}

/** Text for one line: CR, LF and other control characters would start a new field or break a table. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}
