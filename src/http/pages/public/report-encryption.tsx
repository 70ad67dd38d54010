// The OpenPGP parts of the report form: a field for a report encrypted to the project's key (shown
// only when the project has one, with its fingerprint to check), and the reporter's own public key.
import type { FieldError } from '../../../domain/errors.ts';
import { REPORT_LIMITS } from '../../../domain/report.ts';
import { formatFingerprint } from '../../../integrations/pgp/pgp-keys.ts';
import { TextArea, type Values } from '../components/form.tsx';

export interface FormPgpKey {
  fingerprint: string;
}

export function EncryptedReportField(props: {
  slug: string;
  pgpKey: FormPgpKey | null | undefined;
  values: Values;
  errors: FieldError[] | undefined;
}) {
  const { pgpKey, slug } = props;
  if (!pgpKey) return null;
  const keyUrl = `/p/${slug}/pgp-key.asc`;
  return (
    <details id="encrypted" open={!!props.values.encryptedReport}>
      <summary>Send the report encrypted (OpenPGP)</summary>
      <p>
        Encrypt your report to the team’s key <a href={keyUrl}>pgp-key.asc</a>, fingerprint{' '}
        <code class="fingerprint">{formatFingerprint(pgpKey.fingerprint)}</code> (check it), and paste the
        result below. Start sections with “Title:”, “Description:”, “Steps to reproduce:”, “Impact:”,
        “Affected versions:” and “Suggested fix:”; the fields further down may then stay empty, and a field
        you fill in is used only where the encrypted text has no such section.
      </p>
      <p>With GnuPG, after downloading the key:</p>
      <pre>
        {`gpg --import pgp-key.asc\n` +
          `gpg --armor --encrypt --recipient ${pgpKey.fingerprint} report.txt   # writes report.txt.asc`}
      </pre>
      <TextArea
        name="encryptedReport"
        label="Encrypted report"
        hint="The whole -----BEGIN PGP MESSAGE----- block."
        maxLength={REPORT_LIMITS.encryptedReport}
        rows={8}
        values={props.values}
        errors={props.errors}
      />
    </details>
  );
}

export function ReporterKeyField(props: { values: Values; errors: FieldError[] | undefined }) {
  return (
    <TextArea
      name="reporterPgpKey"
      label="Your OpenPGP public key"
      hint="If you give an e-mail address and your public key (gpg --armor --export you@example.org), mail to you is encrypted to it."
      maxLength={REPORT_LIMITS.reporterPgpKey}
      rows={4}
      values={props.values}
      errors={props.errors}
    />
  );
}
