// Markdown from people (policy texts now, advisories later) rendered to HTML that is safe to embed:
// markdown-it with raw HTML off, then sanitize-html with an allow-list, so neither a policy author
// nor anyone else can put script, styles or event handlers on a page.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'h5',
    'h6',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'hr',
    'del',
  ],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  // Headings inside a section start below the page's own h2s.
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener noreferrer' } }),
  },
  allowedSchemesAppliedToAttributes: ['href'],
};

export function markdownToHtml(text: string): string {
  return sanitizeHtml(md.render(text), ALLOWED);
}

/** A block of sanitised Markdown. */
export function Markdown(props: { text: string | null | undefined; class?: string }) {
  if (!props.text) return null;
  return (
    <div class={props.class ?? 'prose'} dangerouslySetInnerHTML={{ __html: markdownToHtml(props.text) }} />
  );
}

/** One line of sanitised inline Markdown (links, emphasis, code), e.g. a scope item's "where to go instead". */
export function MarkdownInline(props: { text: string | null | undefined }) {
  if (!props.text) return null;
  return <span dangerouslySetInnerHTML={{ __html: sanitizeHtml(md.renderInline(props.text), ALLOWED) }} />;
}
