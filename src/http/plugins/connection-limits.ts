// Limits on the server's sockets against floods and slow clients. One client may hold at most
// `maxPerAddress` connections at once: each connection carries one request at a time, so this caps
// how many of one client's requests wait in the event loop ahead of everybody else's, however many
// connections a flooder opens (bench/flood.ts). Behind a reverse proxy (PARLEY_TRUST_PROXY) every
// connection comes from the proxy, so the cap is left to it. Timeouts bound slow clients (slowloris).
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** Fastify server options: a request must arrive whole within a minute, its headers within 20 s. */
export const TIMEOUT_OPTIONS: Pick<FastifyServerOptions, 'requestTimeout'> = { requestTimeout: 60_000 };
const HEADERS_TIMEOUT_MS = 20_000;
/** How long a connection over the per-address cap is held, unread, before it is closed. */
const OVER_CAP_HOLD_MS = 2_000;

export function registerConnectionLimits(
  app: FastifyInstance,
  opts: { maxPerAddress: number; behindProxy: boolean },
): void {
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  if (!opts.maxPerAddress || opts.behindProxy) return;
  const open = new Map<string, number>();
  // Prepended, so it runs before Node's HTTP listener: a socket paused here is never read by it.
  app.server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address) return;
    const n = (open.get(address) ?? 0) + 1;
    if (n > opts.maxPerAddress) {
      // Held unread for a moment, then closed. Closing at once made the flooder reconnect at once:
      // the server then spent its time accepting and closing, and other clients' new connections
      // waited up to a second behind that churn (bench/flood.ts).
      socket.pause();
      setTimeout(() => socket.destroy(), OVER_CAP_HOLD_MS).unref();
      return;
    }
    open.set(address, n);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
