// The HTML alternative of a plain-text mail: the same words, escaped, with links made clickable and
// line breaks kept. Written here because it is a few lines; a Markdown renderer would reinterpret
// text that is not Markdown (a reporter's quoted message, a case key like `[FLUX-3]`).

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Only http(s) links become anchors; everything else stays text. */
function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);
}

export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => `<p>${linkify(escape(p)).replace(/\n/g, '<br>\n')}</p>`);
  return (
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">\n' +
    paragraphs.join('\n') +
    '\n</body></html>\n'
  );
}

/** Signed text must reach the reader byte for byte: no HTML rewording of it. */
export function wantsHtmlAlternative(text: string): boolean {
  return !text.includes('-----BEGIN PGP SIGNED MESSAGE-----');
}
