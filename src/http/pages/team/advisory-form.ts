// The advisory editor's form ↔ content. Lists are one entry per line so the form works without
// JavaScript: CWEs "CWE-79 Name", references "TYPE URL" (or a bare URL), credits "Name (TYPE)".
// Affected packages are a YAML list in the OSV-like shape of AffectedPackage, whose problems are
// reported with their line. Fields the form does not show (imported OSV extras) are carried over.
import { parseDocument, stringify } from 'yaml';
import { ValidationError, type FieldError } from '../../../domain/errors.ts';
import type { AdvisoryContent } from '../../../domain/advisory/advisory.types.ts';
import type { Values } from '../components/form.tsx';

const lines = (v: string | undefined) =>
  (v ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const words = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean);

export const AFFECTED_EXAMPLE = `- ecosystem: npm
  name: example-package
  ranges:
    - type: SEMVER
      events:
        - introduced: "1.0.0"
        - fixed: "1.4.2"
  versions: []`;

export function formFromContent(c: AdvisoryContent): Values {
  return {
    title: c.title,
    summary: c.summary,
    details: c.details,
    severity: c.severity ?? '',
    cvss3Vector: c.cvss3Vector ?? '',
    cvss4Vector: c.cvss4Vector ?? '',
    cveIds: c.cveIds.join(', '),
    aliases: c.aliases.join(', '),
    cwes: c.cwes.map((w) => `${w.id} ${w.name}`.trim()).join('\n'),
    affected: c.affected.length ? stringify(c.affected, { lineWidth: 0 }).trimEnd() : '',
    workarounds: c.workarounds,
    upgrade: c.upgrade,
    references: c.references.map((r) => `${r.type} ${r.url}`).join('\n'),
    credits: c.credits.map((k) => (k.type ? `${k.name} (${k.type})` : k.name)).join('\n'),
  };
}

/**
 * The raw content the service validates, from the form and the current content. YAML syntax errors
 * in the affected list throw here, with their line; everything else is the service's to check.
 */
export function rawContentFromForm(v: Values, current: AdvisoryContent | undefined): Record<string, unknown> {
  let affected: unknown = [];
  if ((v.affected ?? '').trim()) {
    const doc = parseDocument(v.affected!, { prettyErrors: false });
    if (doc.errors.length) {
      const errors: FieldError[] = doc.errors.slice(0, 5).map((e) => ({
        field: 'affected',
        message: `Affected packages, line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`,
      }));
      throw new ValidationError(errors, 'The affected packages are not valid YAML.');
    }
    affected = doc.toJS();
    if (!Array.isArray(affected)) {
      throw new ValidationError([
        { field: 'affected', message: 'Affected packages: write a YAML list (lines starting with "- ").' },
      ]);
    }
  }
  return {
    title: v.title ?? '',
    summary: v.summary ?? '',
    details: v.details ?? '',
    severity: v.severity || null,
    cvss3Vector: v.cvss3Vector || null,
    cvss4Vector: v.cvss4Vector || null,
    cveIds: words(v.cveIds).map((s) => s.toUpperCase()),
    aliases: words(v.aliases),
    cwes: lines(v.cwes).map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l)!;
      return { id: m[1]!.toUpperCase(), name: m[2]! };
    }),
    affected,
    workarounds: v.workarounds ?? '',
    upgrade: v.upgrade ?? '',
    references: lines(v.references).map((l) => {
      const m = /^([A-Z_]+)\s+(\S+)$/.exec(l);
      return m ? { type: m[1], url: m[2] } : { type: 'WEB', url: l };
    }),
    credits: lines(v.credits).map((l) => {
      const m = /^(.*?)\s*\(([A-Z_]+)\)$/.exec(l);
      return m ? { name: m[1], type: m[2] } : { name: l };
    }),
    otherSeverity: current?.otherSeverity ?? [],
    related: current?.related ?? [],
    upstream: current?.upstream ?? [],
    databaseSpecific: current?.databaseSpecific ?? null,
  };
}

/** Affected-package errors come back as `affected[0].ranges[1]…`; the form has one field for them. */
export function formErrors(errors: FieldError[]): FieldError[] {
  return errors.map((e) => {
    const m = /^(affected|cwes|references|credits|cveIds|aliases)\[/.exec(e.field);
    return m ? { field: m[1]!, message: `${e.field}: ${e.message}` } : e;
  });
}
