// Validates OSV records against the bundled OSV JSON schema (draft 2020-12, a verbatim copy of
// ossf/osv-schema validation/schema.json) and words Ajv's errors as "<JSON pointer>: <message>".
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import schema from './osv-schema.json' with { type: 'json' };

// ajv-formats is CommonJS; under NodeNext its default import is the module object's type.
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;

/** The schema's id prefixes of registered databases (and `x_` for unregistered ones). */
export const OSV_ID_PREFIX = new RegExp(schema.$defs.prefix.pattern);

export type OsvValidation = { ok: true } | { ok: false; errors: string[] };

let compiled: ValidateFunction | undefined;

// Compiled on first use: the schema is large and most processes (e.g. the web server) never need it.
function validator(): ValidateFunction {
  if (!compiled) {
    // The schema is third-party and uses union types such as ["array", "null"] next to `items`.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

export function validateOsv(record: unknown): OsvValidation {
  const validate = validator();
  if (validate(record)) return { ok: true };
  return { ok: false, errors: describeErrors(validate.errors ?? []) };
}

/**
 * A failed `oneOf` reports every branch: for an event {"fixed": "abc"} in a GIT range that is three
 * "must have required property" errors (the branches for the other event kinds) beside the pattern
 * error that matters. Keep the errors of branches that failed for a reason other than a missing
 * property; when every branch only misses its property, keep the oneOf error itself. `if` errors
 * ("must match then schema") only repeat what the `then` errors say, and a failed `contains` lists
 * every item that did not match.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const e of errors) {
    if (e.keyword === 'contains') {
      errors.filter((o) => o.schemaPath.startsWith(`${e.schemaPath}/`)).forEach((o) => drop.add(o));
      continue;
    }
    if (e.keyword === 'if') {
      if (
        errors.some((o) => o !== e && o.schemaPath.startsWith(`${e.schemaPath.replace(/\/if$/, '')}/then/`))
      ) {
        drop.add(e);
      }
      continue;
    }
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') continue;
    const branches = new Map<string, ErrorObject[]>();
    for (const o of errors) {
      const m = o.schemaPath.startsWith(`${e.schemaPath}/`)
        ? /^(\d+)\//.exec(o.schemaPath.slice(e.schemaPath.length + 1))
        : null;
      if (!m || !o.instancePath.startsWith(e.instancePath)) continue;
      branches.set(m[1]!, [...(branches.get(m[1]!) ?? []), o]);
    }
    const telling = [...branches.values()].filter((b) => b.some((o) => o.keyword !== 'required'));
    if (telling.length > 0) drop.add(e);
    for (const b of branches.values()) if (!telling.includes(b)) b.forEach((o) => drop.add(o));
  }
  return errors.filter((e) => !drop.has(e));
}

/** The innermost `title` on the way to a schema keyword: the schema's own wording of a rule. */
function titleAt(schemaPath: string): string | undefined {
  let node: unknown = schema;
  let title: string | undefined;
  for (const seg of schemaPath.replace(/^#\//, '').split('/')) {
    if (typeof node !== 'object' || node === null) break;
    const t = (node as { title?: unknown }).title;
    if (typeof t === 'string') title = t;
    node = (node as Record<string, unknown>)[decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return title;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  let message = e.message ?? e.keyword;
  // "must NOT be valid" and "must contain at least 1 valid item(s)" say nothing; the schema's titles do.
  if (e.keyword === 'not' || e.keyword === 'contains') message = titleAt(e.schemaPath) ?? message;
  if (e.keyword === 'additionalProperties') message += ` ("${String(p.additionalProperty)}")`;
  if (e.keyword === 'enum')
    message += `: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${e.instancePath || '/'}: ${message}`;
}

function describeErrors(errors: ErrorObject[]): string[] {
  return [...new Set(relevant(errors).map(describe))];
}
