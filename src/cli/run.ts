// Shared CLI plumbing: configuration, opening the core, printing results (text or --json) and
// turning errors into a one-line message and a non-zero exit code.
import { loadConfig, ConfigError, type Config } from '../config.ts';
import { openCore, type Core } from '../bootstrap.ts';
import { DomainError, ValidationError } from '../domain/errors.ts';

export async function runCommand(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof ConfigError) console.error(e.message);
    else if (e instanceof ValidationError)
      console.error(`${e.message}\n${e.errors.map((x) => `  - ${x.field}: ${x.message}`).join('\n')}`);
    else if (e instanceof DomainError) console.error(`error: ${e.message}`);
    else console.error(`error: ${(e as Error)?.message ?? e}`);
  }
}

/** Runs `fn` with an open, migrated core and closes it afterwards. */
export async function withCore<T>(fn: (core: Core, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const core = await openCore(config, { migrate: true });
  try {
    return await fn(core, config);
  } finally {
    await core.close();
  }
}

export function output(json: boolean | undefined, data: unknown, text: string): void {
  console.log(json ? JSON.stringify(data, null, 2) : text);
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new Error('--password-stdin expects the password on standard input, e.g. echo "$PW" | parley …');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // Only the trailing newline that echo or a file adds is removed; the password is kept as typed.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
