// How the public, cacheable answers of the advisory routes are sent: documents and feeds are the same
// for everyone, so shared caches may keep them for a minute (the app's default is no-store).
import type { FastifyReply } from 'fastify';

/** Short enough that a withdrawal or correction shows within a minute, long enough to absorb bursts. */
export const PUBLIC_CACHE = 'public, max-age=60';

/** The one serialisation of a served JSON document (hash files are computed over this text). */
export function jsonText(doc: unknown): string {
  return JSON.stringify(doc, null, 2);
}

/** JSON sent as the exact text given, so a hash computed over that text matches the body. */
export function sendJsonText(reply: FastifyReply, text: string) {
  return sendPublicText(reply, 'application/json; charset=utf-8', text);
}

export function sendPublicText(reply: FastifyReply, type: string, text: string) {
  return reply.header('cache-control', PUBLIC_CACHE).type(type).send(text);
}
