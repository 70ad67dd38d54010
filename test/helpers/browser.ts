// Real Chromium (Debian's /usr/bin/chromium) through playwright-core, plus a real Parley listening
// on a loopback port. Flags keep Chromium off the network, which this machine does not have.
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from './app.ts';
import type { Dialect } from '../../src/storage/db.ts';

export const chromiumPath = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A Parley app on an ephemeral loopback port, with its public URL set to where it listens. */
export async function startServer(dialect: Dialect): Promise<TestApp & { baseUrl: string }> {
  // Reserve a port first so PARLEY_PUBLIC_URL (links, cookie flags) names the real address.
  const probe = await import('node:net').then(
    (net) =>
      new Promise<number>((resolve) => {
        const s = net.createServer();
        s.listen(0, '127.0.0.1', () => {
          const port = (s.address() as { port: number }).port;
          s.close(() => resolve(port));
        });
      }),
  );
  const baseUrl = `http://localhost:${probe}`;
  const t = await createTestApp(dialect, { env: { PARLEY_PUBLIC_URL: baseUrl } });
  await t.app.listen({ host: '127.0.0.1', port: probe });
  return { ...t, baseUrl };
}
