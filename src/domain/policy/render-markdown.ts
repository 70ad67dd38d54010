// Small helpers for writing GitHub-flavoured Markdown from policy text. Policy prose (reasons, notes,
// process) is Markdown on purpose, so it is kept; what is escaped is only what would break the structure
// around it: pipes and newlines in table cells, newlines in list items, and plain-text fields.

/** A table cell: a `|` would end the cell (backslashes before it are doubled so they stay literal). */
export function cell(text: string): string {
  return text
    .trim()
    .replace(/(\\*)\|/g, (_m, bs: string) => `${bs}${bs}\\|`)
    .replace(/\r\n?|\n/g, '<br>');
}

export function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |`.replace(/ {2,}\|/g, ' |');
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

/** Continuation lines of a list item are indented so they stay inside the item. */
export function indentRest(text: string, indent = '  '): string {
  return text
    .trim()
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l, i) => (i === 0 || l === '' ? l : indent + l))
    .join('\n');
}

/** Plain text (e.g. report.intro, labels) shown literally: Markdown punctuation is backslash-escaped. */
export function plain(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`);
}

/** A link target that cannot leave its `<…>`: spaces and angle brackets percent-encoded. */
function target(uri: string): string {
  return uri.trim().replace(/[<>\s]/g, (c) => encodeURIComponent(c));
}

/** `[security@example.org](mailto:security@example.org)` or `<https://…>`. */
export function link(uri: string, text?: string): string {
  const t = target(uri);
  if (text) return `[${plain(text)}](<${t}>)`;
  if (t.startsWith('mailto:')) return `[${plain(decodeMailto(t))}](<${t}>)`;
  return `<${t}>`;
}

function decodeMailto(uri: string): string {
  const addr = uri.slice('mailto:'.length).split('?')[0] ?? '';
  try {
    return decodeURIComponent(addr);
  } catch {
    return addr;
  }
}

/** A GitHub alert (`> [!WARNING]`); other renderers show it as a blockquote. */
export function alert(kind: 'NOTE' | 'WARNING' | 'IMPORTANT', paragraphs: string[]): string[] {
  const out = [`> [!${kind}]`];
  paragraphs.forEach((p, i) => {
    if (i > 0) out.push('>');
    for (const l of p.trim().replace(/\r\n?/g, '\n').split('\n')) out.push(l ? `> ${l}` : '>');
  });
  return out;
}

export function bullet(text: string): string {
  return `- ${indentRest(text)}`;
}
