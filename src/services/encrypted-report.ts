// The OpenPGP parts of report intake (form and API): an `encryptedReport` (an armored message
// encrypted to the project's key) is decrypted and mapped onto the report fields, so nothing secret
// needs to be sent in clear; a `reporterPgpKey` is checked before it is kept for mail to the reporter.
import { ValidationError, type FieldError } from '../domain/errors.ts';
import { parseReportInput, REPORT_LIMITS, type ReportInput, type ReportRules } from '../domain/report.ts';
import { reportFieldsFromText, type ReportTextFields } from '../domain/report-text.ts';
import { readPublicKeyInfo } from '../integrations/pgp/pgp-keys.ts';
import type { ProjectKeyService } from './project-keys.service.ts';

/** Title of an encrypted report whose text names none and whose reporter typed none in clear. */
export const ENCRYPTED_TITLE = 'Encrypted report';

const TEXT_FIELDS: (keyof ReportTextFields)[] = [
  'title',
  'description',
  'stepsToReproduce',
  'impact',
  'affectedVersions',
  'suggestedFix',
];

const HEADINGS: Record<string, string> = {
  title: 'Title:',
  description: 'Description:',
  stepsToReproduce: 'Steps to reproduce:',
  impact: 'Impact:',
  affectedVersions: 'Affected versions:',
  suggestedFix: 'Suggested fix:',
};

/**
 * Validates a submitted report, first opening its encrypted part if it has one. Sections of the
 * decrypted text win; a field typed in clear fills in only what the encrypted text lacks.
 */
export async function readReportInput(
  keys: Pick<ProjectKeyService, 'decrypt'>,
  projectId: string,
  raw: Record<string, unknown>,
  rules: ReportRules,
): Promise<{ input: ReportInput; encrypted: boolean }> {
  const { encryptedReport, ...rest } = raw;
  // An empty form field means "not encrypted".
  const encrypted =
    encryptedReport !== undefined &&
    encryptedReport !== null &&
    !(typeof encryptedReport === 'string' && !encryptedReport.trim());
  let fields: Record<string, unknown> = rest;
  if (encrypted) {
    if (typeof encryptedReport !== 'string' || encryptedReport.length > REPORT_LIMITS.encryptedReport) {
      const message = `The encrypted report must be an armored PGP MESSAGE of at most ${REPORT_LIMITS.encryptedReport} characters.`;
      throw new ValidationError([{ field: 'encryptedReport', message }], message);
    }
    const { text } = await keys.decrypt(projectId, encryptedReport, 'encryptedReport');
    const clear = (k: string) => (typeof rest[k] === 'string' ? (rest[k] as string).trim() : '');
    const found = reportFieldsFromText(clear('title') || ENCRYPTED_TITLE, text);
    fields = { ...rest };
    for (const k of TEXT_FIELDS) fields[k] = found[k] || clear(k);
  }
  // Type and length are parseReportInput's to check; whether it is a usable key is checked here.
  const errors: FieldError[] = [];
  const pastedKey = rest.reporterPgpKey;
  let key: string | undefined;
  if (typeof pastedKey === 'string' && pastedKey.trim() && pastedKey.length <= REPORT_LIMITS.reporterPgpKey) {
    try {
      key = (await readPublicKeyInfo(pastedKey, 'reporterPgpKey')).armored;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors.push(...e.errors);
    }
  }
  let input: ReportInput | undefined;
  try {
    input = parseReportInput(fields, rules);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    errors.unshift(...e.errors);
  }
  if (errors.length || !input) {
    throw new ValidationError(
      errors.map((fe) => (encrypted && !fields[fe.field] ? withHint(fe) : fe)),
      'The report has errors; nothing was submitted.',
    );
  }
  return { input: key ? { ...input, reporterPgpKey: key } : input, encrypted };
}

/** A field missing from an encrypted report: say how to put it in the encrypted text. */
function withHint(fe: FieldError): FieldError {
  const heading = HEADINGS[fe.field];
  if (!heading) return fe;
  return {
    ...fe,
    message: `${fe.message} It is not in the encrypted report either: start a section with “${heading}” in the text you encrypt, or fill in this field.`,
  };
}
