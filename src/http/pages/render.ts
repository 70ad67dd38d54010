// Sends a server-rendered page. preact-render-to-string escapes every interpolated value, so
// report text (attacker-controlled) can never become markup.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import type { UserIdentity } from '../../services/actor.ts';

export function sendPage(reply: FastifyReply, vnode: VNode, status = 200) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send('<!doctype html>' + render(vnode));
}

/** What every page's layout needs: the signed-in user (if any) and a CSRF token for its forms. */
export interface PageContext {
  user: UserIdentity | null;
  csrf: string;
  path: string;
  /** Unread notices of the signed-in user (0 when unknown). */
  unread: number;
}

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return {
    user: request.actor.kind === 'user' ? request.actor.user : null,
    csrf: reply.generateCsrf(),
    path: request.url,
    unread: request.unreadNotices ?? 0,
  };
}
