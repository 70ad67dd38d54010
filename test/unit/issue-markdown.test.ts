// The public-issue Markdown, rendered by a real CommonMark parser (markdown-it with raw HTML on, as
// GitHub and GitLab allow some): whatever the reporter wrote stays literal text and never changes
// the issue's layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import {
  codeSpan,
  escapeInline,
  fence,
  issueMarkdown,
  type IssueSource,
} from '../../src/domain/issue-markdown.ts';

const md = new MarkdownIt({ html: true, linkify: true });

function source(over: Partial<IssueSource> = {}): IssueSource {
  return {
    key: 'CONURE-12',
    projectName: 'Conure',
    title: 'Crash on empty config',
    description: 'The parser crashes.',
    stepsToReproduce: '1. Run it',
    affectedVersions: '2.1.0',
    impact: 'None beyond a crash.',
    suggestedFix: null,
    credit: { preference: 'name', name: 'Rita Reporter' },
    attachments: [],
    ...over,
  };
}

const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

test('sections in order, each field shown exactly as written inside a code block', () => {
  const out = issueMarkdown(source({ suggestedFix: 'Check for null.' }));
  assert.equal(out.title, 'Crash on empty config');
  assert.ok(out.markdown.startsWith('# Crash on empty config\n\n'));
  assert.equal(out.markdown, `# Crash on empty config\n\n${out.body}`);
  const headings = [...out.body.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, [
    'Description',
    'Steps to reproduce',
    'Affected versions',
    'Impact',
    'Suggested fix',
  ]);
  const html = md.render(out.body);
  for (const text of ['The parser crashes.', '1. Run it', '2.1.0', 'None beyond a crash.', 'Check for null.'])
    assert.ok(html.includes(`<code class="language-text">${text}\n</code>`), text);
  assert.match(out.body, /Reported by Rita Reporter\./);
  assert.match(out.body, /Conure security team as CONURE\\-12/);
});

test('HTML, </details>, headings, fences and mentions in the report stay literal', () => {
  const hostile = [
    '</details></summary><h1>Injected</h1>',
    '# Not a heading',
    '<script>alert(1)</script> <img src=x onerror=alert(1)>',
    '```',
    '````js',
    'still inside',
    '@maintainer please see #1 and [link](javascript:alert(1))',
  ].join('\n');
  const out = issueMarkdown(
    source({ description: hostile, stepsToReproduce: '~~~\n```\n', title: '<b>Bold</b> # @everyone [x](y)' }),
  );
  const html = md.render(out.markdown);
  // Our own structure: one h1 (the title), the h2 sections, nothing else.
  assert.equal((html.match(/<h1>/g) ?? []).length, 1);
  assert.equal((html.match(/<h2>/g) ?? []).length, 4);
  for (const tag of ['<details', '</details>', '<script', '<img', '<b>', '<a href="javascript'])
    assert.ok(!html.includes(tag), `no ${tag}`);
  // The whole description comes out as one code block holding exactly what was written.
  const blocks = [...html.matchAll(/<pre><code class="language-text">([\s\S]*?)<\/code><\/pre>/g)].map((m) =>
    decode(m[1]!),
  );
  assert.equal(blocks[0], hostile + '\n');
  assert.equal(blocks[1], '~~~\n```\n');
  // The title heading shows the characters, not markup.
  assert.match(html, /<h1>&lt;b&gt;Bold&lt;\/b&gt; # @everyone \[x\]\(y\)<\/h1>/);
  assert.equal(out.title, '<b>Bold</b> # @everyone [x](y)', 'the plain title for the tracker’s field');
});

test('credit follows the reporter’s choice; anonymous reporters are not named', () => {
  assert.match(
    issueMarkdown(source({ credit: { preference: 'handle', name: '@finder' } })).body,
    /Reported by \\@finder\./,
  );
  const anon = issueMarkdown(source({ credit: { preference: 'anonymous', name: 'Hidden Person' } })).body;
  assert.ok(!anon.includes('Hidden Person'));
  assert.ok(!anon.includes('Reported by'));
});

test('attachments by name only, as code spans; empty sections are left out', () => {
  const out = issueMarkdown(
    source({ attachments: ['poc.py', 'we`ird <name>.txt', '`tick'], suggestedFix: '   ', impact: '' }),
  );
  assert.ok(!out.body.includes('## Impact') && !out.body.includes('## Suggested fix'));
  const html = md.render(out.body);
  assert.ok(html.includes('<li><code>poc.py</code></li>'));
  assert.ok(html.includes('<li><code>we`ird &lt;name&gt;.txt</code></li>'));
  assert.ok(html.includes('<li><code>`tick</code></li>'));
});

test('helpers: fences outgrow the text’s backtick runs; inline escapes all punctuation; control characters go', () => {
  assert.equal(fence('a ```` b'), '`````text\na ```` b\n`````');
  assert.equal(fence('x\r\ny\n\n'), '```text\nx\ny\n```');
  assert.equal(escapeInline('a*b_c\n#d'), 'a\\*b\\_c \\#d');
  assert.equal(codeSpan('a``b'), '```a``b```');
  assert.equal(fence('bell\u0007 esc\u001b[31m'), '```text\nbell esc[31m\n```');
});
