// A report written as Markdown for a public issue tracker (GitHub, GitLab, Gitea, Forgejo), for
// reports the team judged not to be a security issue. No I/O: the service hands in only what may go
// public (never the reporter's address, internal notes or the conversation).
//
// Report text is untrusted and was written for a private channel, so none of it is interpreted:
// every field goes into a fenced code block whose fence is longer than any backtick run inside it.
// CommonMark guarantees nothing in a fence is markup — no HTML, no `</details>`, no headings, and
// no @mentions or #123 references that trackers would link or notify. Short one-line values
// (title, credit) are escaped instead, attachment names are code spans.

export interface IssueSource {
  key: string;
  projectName: string;
  title: string;
  description: string;
  stepsToReproduce: string;
  affectedVersions: string;
  impact: string;
  suggestedFix: string | null;
  credit: { preference: string; name: string | null };
  attachments: string[];
}

export interface IssueMarkdown {
  /** The issue's title as plain text, for the tracker's title field. */
  title: string;
  /** The issue body. */
  body: string;
  /** `# title` and the body: the downloadable file. */
  markdown: string;
}

/** Control characters other than tab and newline (terminal escapes, NUL) never belong in an issue. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** One line of plain text: newlines and control characters become spaces. */
export function oneLine(text: string): string {
  return clean(text).replace(/\s+/g, ' ').trim();
}

/** Backslash-escapes every ASCII punctuation character, which CommonMark then shows literally. */
export function escapeInline(text: string): string {
  return oneLine(text).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** A fenced code block that shows `text` exactly, whatever it contains. */
export function fence(text: string): string {
  const body = clean(text).replace(/\n+$/, '');
  const marks = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${marks}text\n${body}\n${marks}`;
}

/** An inline code span for a short value (a file name). */
export function codeSpan(text: string): string {
  const value = oneLine(text);
  const marks = '`'.repeat(longestRun(value, '`') + 1);
  // A value that starts or ends with a backtick needs a space between it and the fence.
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${marks}${pad}${value}${pad}${marks}`;
}

/** How the reporter is credited, per their choice; nothing at all when they asked not to be. */
export function creditLine(credit: IssueSource['credit']): string | null {
  const name = credit.name ? oneLine(credit.name) : '';
  if (credit.preference === 'anonymous' || !name) return null;
  return `Reported by ${escapeInline(name)}.`;
}

export function issueMarkdown(s: IssueSource): IssueMarkdown {
  const title = oneLine(s.title) || s.key;
  const parts: string[] = [
    `_First reported privately to the ${escapeInline(s.projectName)} security team as ${escapeInline(s.key)}; ` +
      'the team judged it not to be a security vulnerability, so it continues in public._',
  ];
  const credit = creditLine(s.credit);
  if (credit) parts.push(credit);
  const section = (heading: string, text: string | null) => {
    if (text && text.trim()) parts.push(`## ${heading}\n\n${fence(text)}`);
  };
  section('Description', s.description);
  section('Steps to reproduce', s.stepsToReproduce);
  section('Affected versions', s.affectedVersions);
  section('Impact', s.impact);
  section('Suggested fix', s.suggestedFix);
  if (s.attachments.length) {
    parts.push(
      '## Attachments\n\n' +
        'The report came with these files; they are not part of this issue. Ask the maintainers if you need them.\n\n' +
        s.attachments.map((a) => `- ${codeSpan(a)}`).join('\n'),
    );
  }
  const body = parts.join('\n\n') + '\n';
  return { title, body, markdown: `# ${escapeInline(title)}\n\n${body}` };
}
