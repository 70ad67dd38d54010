// Maps a free-text report (an e-mail body, a decrypted PGP message) onto the report fields. Reporters
// write these in many shapes — Markdown headings, "Impact:" labels, underlined titles — so the
// mapper recognises a section by its heading in any of those forms and leaves everything it does not
// recognise in the description. Nothing is ever dropped: unrecognised text stays in the description.

export interface ReportTextFields {
  title: string;
  description: string;
  stepsToReproduce: string;
  impact: string;
  affectedVersions: string;
  suggestedFix: string;
}

type Field = keyof ReportTextFields;

// Heading words per field, compared after lowercasing and dropping punctuation.
const HEADINGS: Array<[Field, RegExp]> = [
  ['title', /^(title|subject)$/],
  [
    'description',
    /^(description|summary|details|vulnerability( details| description)?|overview|issue|report)$/,
  ],
  [
    'stepsToReproduce',
    /^(steps( to reproduce)?|reproduction( steps)?|how to reproduce|poc|proof of concept)$/,
  ],
  ['impact', /^(impact|severity and impact|security impact)$/],
  ['affectedVersions', /^(affected versions?|versions?( affected)?|affected)$/],
  ['suggestedFix', /^(suggested fix|fix|mitigation|remediation|suggested remediation|patch)$/],
];

function fieldOf(heading: string): Field | undefined {
  const key = heading
    .toLowerCase()
    .replace(/[*_`#:=-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!key || key.length > 40) return undefined;
  return HEADINGS.find(([, re]) => re.test(key))?.[0];
}

/**
 * A heading line: `# Impact`, `**Impact**`, `Impact:` alone, or `Impact: text on the same line`
 * (returned as `rest`), or a line followed by an `===`/`---` underline (handled by the caller).
 */
function headingOf(line: string): { field: Field; rest: string } | undefined {
  const md = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line) ?? /^\s*\*\*(.+?)\*\*:?\s*$/.exec(line);
  if (md) {
    const field = fieldOf(md[1]!);
    return field ? { field, rest: '' } : undefined;
  }
  const label = /^\s*([A-Za-z][A-Za-z ]{1,38}?)\s*:\s*(.*)$/.exec(line);
  if (label) {
    const field = fieldOf(label[1]!);
    return field ? { field, rest: label[2]!.trim() } : undefined;
  }
  return undefined;
}

export function reportFieldsFromText(subject: string, text: string): ReportTextFields {
  const out: Record<Field, string[]> = {
    title: [],
    description: [],
    stepsToReproduce: [],
    impact: [],
    affectedVersions: [],
    suggestedFix: [],
  };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let current: Field = 'description';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    // Setext heading: a short line underlined with === or ---.
    if (next !== undefined && /^\s*(=+|-+)\s*$/.test(next) && line.trim()) {
      const field = fieldOf(line);
      if (field) {
        current = field;
        i++;
        continue;
      }
    }
    const h = headingOf(line);
    if (h) {
      current = h.field;
      if (h.rest) out[current].push(h.rest);
      continue;
    }
    out[current].push(line);
  }
  const clean = (ls: string[]) => ls.join('\n').trim();
  const title = clean(out.title).split('\n')[0]!.trim() || subject.trim();
  return {
    title,
    description: clean(out.description),
    stepsToReproduce: clean(out.stepsToReproduce),
    impact: clean(out.impact),
    affectedVersions: clean(out.affectedVersions).split('\n').join(' ').trim(),
    suggestedFix: clean(out.suggestedFix),
  };
}
