// Tarpit for addresses that keep sending after they were refused. A rate limit decides *whether* a
// request is served; it does not stop a client that ignores Retry-After from asking again at once,
// and every refusal still costs the server a turn of its one event loop. Under a flood of thousands
// of 429s a second, each database round trip of everybody else's request waits behind those turns
// (bench/flood.ts: PostgreSQL p99 250–450 ms before this, against a 200 ms target). An address
// refused more than TARPIT_AFTER_REFUSALS times within TARPIT_WINDOW_MS has each further refusal held
// for `delayMs` before it is sent: a client waits for its answer before it can send its next request on
// that connection, so a flood is capped at about (connections per address) ÷ delay requests a second,
// however fast the flooder could go. Nobody who honours Retry-After is ever held.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { DrainState } from '../drain.ts';

/** Refusals an address may get within the window before its refusals are held. */
export const TARPIT_AFTER_REFUSALS = 20;
export const TARPIT_WINDOW_MS = 10_000;
/** Addresses tracked at once: a bound on memory under a flood from many addresses. */
const MAX_TRACKED = 100_000;

interface Window {
  count: number;
  resetAt: number;
}

export function registerTarpit(
  app: FastifyInstance,
  opts: { delayMs: number; drain?: DrainState | undefined },
): void {
  if (!opts.delayMs) return;
  const refusals = new Map<string, Window>();
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode !== 429) return;
    const now = Date.now();
    let window = refusals.get(request.ip);
    if (!window || window.resetAt <= now) {
      if (refusals.size >= MAX_TRACKED) forgetExpired(refusals, now);
      window = { count: 0, resetAt: now + TARPIT_WINDOW_MS };
      refusals.set(request.ip, window);
    }
    window.count += 1;
    // While draining, answers go out at once: a held refusal would only delay the shutdown.
    if (window.count > TARPIT_AFTER_REFUSALS && !opts.drain?.draining) await sleep(opts.delayMs);
  });
}

function forgetExpired(refusals: Map<string, Window>, now: number): void {
  for (const [address, window] of refusals) if (window.resetAt <= now) refusals.delete(address);
  // Still full: a flood from more addresses than can be tracked. Start again rather than grow.
  if (refusals.size >= MAX_TRACKED) refusals.clear();
}
