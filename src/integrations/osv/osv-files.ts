// Reads OSV records from files and directory trees (`parley import osv`, tests): .json, .yaml and
// .yml files, visited in a fixed order so runs and their reports are reproducible.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MAX_YAML_ALIASES, structureProblem, yamlDepthProblem } from '../../domain/input-limits.ts';

export interface OsvFileEntry {
  path: string;
  /** The parsed document, when it could be read. */
  raw?: unknown;
  /** Why it could not be read or parsed. */
  error?: string;
}

const OSV_FILE = /\.(json|ya?ml)$/i;

/** Largest OSV file read (the largest records osv.dev serves are a few hundred KB). */
export const MAX_OSV_FILE_BYTES = 16 * 1024 * 1024;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Files in the order they are read: each given path in turn, directories depth-first with entries
 * sorted by name (code-unit order, independent of locale). Dot entries are skipped (a clone's .git,
 * .github workflows are not advisories).
 */
async function* walk(paths: string[]): AsyncGenerator<{ path: string; error?: string }> {
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch (e) {
      yield { path: p, error: message(e) };
      continue;
    }
    if (info.isDirectory()) {
      let names: string[];
      try {
        names = (await readdir(p)).filter((n) => !n.startsWith('.')).sort();
      } catch (e) {
        yield { path: p, error: message(e) };
        continue;
      }
      for (const n of names) {
        const child = path.join(p, n);
        // A directory's contents are filtered by extension; a file named explicitly is always tried.
        if (
          OSV_FILE.test(n) ||
          (await stat(child).then(
            (s) => s.isDirectory(),
            () => false,
          ))
        ) {
          yield* walk([child]);
        }
      }
    } else if (OSV_FILE.test(p)) {
      yield { path: p };
    } else {
      yield { path: p, error: 'not an OSV file (expected .json, .yaml or .yml)' };
    }
  }
}

/** How many entries readOsvFiles() will yield for the same paths, for progress totals. */
export async function countOsvFiles(paths: string[]): Promise<number> {
  let n = 0;
  for await (const _ of walk(paths)) n++;
  return n;
}

/**
 * PyYAML writes YAML 1.1, so the records are read with 1.1 rules (`0o17` stays a string, as its
 * writer meant) except for timestamps, which stay the text they were: a Date would lose digits
 * (2023-11-07T20:24:23.946863Z) and OSV wants the string anyway.
 */
function parseOsvYaml(text: string): unknown {
  const deep = yamlDepthProblem(text);
  if (deep) throw new Error(deep);
  return parseYaml(text, {
    version: '1.1',
    maxAliasCount: MAX_YAML_ALIASES,
    // Warnings (unknown tags, directives) would go to process warnings, one per file: not a log.
    logLevel: 'error',
    customTags: (tags) =>
      tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
}

export async function* readOsvFiles(paths: string[]): AsyncGenerator<OsvFileEntry> {
  for await (const entry of walk(paths)) {
    if (entry.error !== undefined) {
      yield entry;
      continue;
    }
    try {
      const { size } = await stat(entry.path);
      if (size > MAX_OSV_FILE_BYTES) throw new Error(`file too large (over ${MAX_OSV_FILE_BYTES} bytes)`);
      const text = (await readFile(entry.path, 'utf8')).replace(/^\uFEFF/, '');
      const raw = /\.json$/i.test(entry.path) ? JSON.parse(text) : parseOsvYaml(text);
      // What the importer walks (dates, schema) recurses: refuse absurd nesting here, with a reason.
      const shape = structureProblem(raw);
      if (shape) throw new Error(`document too complex: ${shape}`);
      yield { path: entry.path, raw };
    } catch (e) {
      yield { path: entry.path, error: message(e) };
    }
  }
}
