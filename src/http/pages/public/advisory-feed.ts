// Atom 1.0 feeds of public advisories (all of them, or one project's with its components'), built
// with the `feed` package. It writes titles, summaries and content as type="html" inside CDATA, so
// every text put there is HTML-escaped first (a title is text, not markup), and characters XML 1.0
// cannot carry at all are dropped rather than producing a feed no reader can parse.
import { Feed } from 'feed';
import sanitizeHtml from 'sanitize-html';
import type { PublicAdvisoryView } from '../../../services/presenters/advisory.presenter.ts';
import { markdownToHtml } from '../components/markdown.tsx';
import { severityLabel } from './advisory-bits.tsx';

export interface AdvisoryFeedInput {
  items: PublicAdvisoryView[];
  title: string;
  /** Absolute URL of the HTML list this feed mirrors: the feed's id and alternate link. */
  listUrl: string;
  /** Absolute URL the feed itself is served at. */
  selfUrl: string;
  /** Builds the absolute URL of an advisory page. */
  pageUrl: (id: string) => string;
  publisher: string;
  /** The feed's updated time when it has no entries. */
  now: Date;
}

// Control characters other than tab and newlines, non-characters and lone surrogates are not XML.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xml(text: string): string {
  return text.replace(NOT_XML, '');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Markdown as one line of plain text, HTML-escaped (sanitize-html escapes the text it keeps). */
function plainText(markdown: string): string {
  return sanitizeHtml(markdownToHtml(markdown), { allowedTags: [], allowedAttributes: {} })
    .replace(/\s+/g, ' ')
    .trim();
}

export function entryTitle(a: PublicAdvisoryView): string {
  const sev = `[${severityLabel(a.content.severity).toUpperCase()}]`;
  return `${a.state === 'withdrawn' ? '[Withdrawn] ' : ''}${sev} ${a.id}: ${a.content.title}`;
}

function entryContent(a: PublicAdvisoryView): string {
  const parts: string[] = [];
  if (a.state === 'withdrawn') {
    const reason = a.withdrawnReason ? ` ${escapeHtml(a.withdrawnReason)}` : '';
    parts.push(`<p><strong>Withdrawn.</strong>${reason}</p>`);
  }
  if (a.content.summary) parts.push(markdownToHtml(a.content.summary));
  if (a.content.details) parts.push(markdownToHtml(a.content.details));
  return parts.join('\n');
}

export function advisoryFeed(input: AdvisoryFeedInput): string {
  const newest = input.items.reduce<string | null>(
    (m, a) => (m === null || a.modifiedAt > m ? a.modifiedAt : m),
    null,
  );
  const author = { name: xml(input.publisher) };
  const feed = new Feed({
    id: input.listUrl,
    link: input.listUrl,
    feed: input.selfUrl,
    title: xml(input.title),
    updated: newest ? new Date(newest) : input.now,
    generator: 'Parley',
    author,
  });
  for (const a of input.items) {
    const url = input.pageUrl(a.id);
    const summary = plainText(a.content.summary || a.content.details);
    const content = entryContent(a);
    feed.addItem({
      id: url,
      link: url,
      title: xml(escapeHtml(entryTitle(a))),
      date: new Date(a.modifiedAt),
      published: new Date(a.publishedAt),
      ...(summary ? { description: xml(summary) } : {}),
      ...(content ? { content: xml(content) } : {}),
      author: [author],
    });
  }
  return feed.atom1();
}
