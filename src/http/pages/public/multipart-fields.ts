// The text fields of a small multipart/form-data body (RFC 7578), for the RFC 8058 one-click
// unsubscribe POST, which mail providers may send as multipart. Parley has no multipart library
// (file uploads are not taken over HTTP), and this request carries one short field; files and
// anything unparseable are ignored, so a malformed body reads as "no fields".
export function multipartFields(body: string, contentType: string | undefined): Record<string, string> {
  // No prototype: a field named __proto__ or constructor is just a field.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return out;
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break; // the closing delimiter
    const split = part.indexOf('\r\n\r\n') >= 0 ? '\r\n\r\n' : '\n\n';
    const at = part.indexOf(split);
    if (at < 0) continue;
    const head = part.slice(0, at);
    const name = /content-disposition:[^\n]*?\bname="([^"]*)"/i.exec(head)?.[1];
    if (!name || /\bfilename=/i.test(head) || Object.hasOwn(out, name)) continue;
    out[name] = part.slice(at + split.length).replace(/\r?\n$/, '');
  }
  return out;
}
