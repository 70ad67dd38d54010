// Bench child process: the real Parley server (openCore + buildApp, logger off) on a free loopback
// port. bench/run.ts forks it with PARLEY_DATA_DIR (and DATABASE_URL for PostgreSQL) set, and it
// answers over IPC with the port once the project BENCH_PROJECT (a slug) exists and the server listens.
import { loadConfig } from '../src/config.ts';
import { openCore } from '../src/bootstrap.ts';
import { buildApp } from '../src/http/app.ts';
import { loggerOptions } from '../src/http/plugins/logging.ts';

const slug = process.env.BENCH_PROJECT ?? 'bench';
const config = loadConfig(process.env);
const core = await openCore(config, { migrate: true });
await core.services.projects.create('system', { slug, name: 'Bench project' });
if (process.env.BENCH_USER_EMAIL) {
  // An account for login floods to guess at (bench/flood.ts).
  await core.services.auth.createUser(
    { email: process.env.BENCH_USER_EMAIL, name: 'Bench user', password: 'bench-password-not-guessed-1' },
    { admin: false },
  );
}
if (process.env.BENCH_STUB_INTAKE === '1') {
  // Diagnostic only: everything of an intake request except its database work (validation, token
  // and id generation stay), to show how much of the cost is the HTTP stack itself.
  const { parseReportInput } = await import('../src/domain/report.ts');
  const { cryptoRandom, hashSecret } = await import('../src/services/deps.ts');
  core.services.cases.submitReport = async (_slug, raw) => {
    parseReportInput(raw);
    const token = `rct_${cryptoRandom.token(32)}`;
    hashSecret(token);
    return { id: cryptoRandom.uuid(), key: 'BENCH-0', accessToken: token, casePath: `/c/${token}` };
  };
}
const app = await buildApp({
  config,
  services: core.services,
  secret: core.secret,
  // BENCH_LOG_FILE: production's request logging (LOG_LEVEL, default info) into that file, for
  // benches where logging is part of the cost (bench/flood.ts); otherwise off.
  logger: process.env.BENCH_LOG_FILE
    ? { ...(loggerOptions(config.logLevel) as object), file: process.env.BENCH_LOG_FILE }
    : false,
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('no TCP address');
process.send?.({ port: address.port, database: core.handle.describe });

process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => core.close())
    .then(() => process.exit(0));
});
