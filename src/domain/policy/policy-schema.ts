// Validates a policy document against docs/policy.schema.json (the published contract, also used by
// editors), fills in the schema's defaults, and words Ajv's errors for people editing YAML.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import schema from '../../../docs/policy.schema.json' with { type: 'json' };
import { fieldLabel, pointer, type PolicyProblem, type SourceLocator } from './policy-locate.ts';

export const POLICY_SCHEMA: unknown = schema;

// verbose: errors carry the failing value and schema, whose description explains what was expected.
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, verbose: true });
const validate = ajv.compile(schema);

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
};

function show(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function expected(e: ErrorObject): string {
  const d = (e.parentSchema as { description?: string } | undefined)?.description;
  return d ? `; expected ${d.charAt(0).toLowerCase()}${d.slice(1).replace(/\.$/, '')}` : '';
}

function describe(e: ErrorObject, label: string): { path: string; message: string; target: 'key' | 'value' } {
  const p = e.params as Record<string, unknown>;
  const at = (message: string) => ({
    path: e.instancePath,
    message: `${label}: ${message}`,
    target: 'value' as const,
  });
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const near = known.find((k) => closeEnough(k, name));
      const hint = near ? ` — did you mean "${near}"?` : known.length ? ` (known: ${known.join(', ')})` : '';
      const path = `${e.instancePath}${pointer([name])}`;
      return { path, message: `${fieldLabel(path)}: unknown property${hint}`, target: 'key' };
    }
    case 'required':
      return { ...at(`missing required property "${String(p.missingProperty)}"`), target: 'key' };
    case 'type': {
      const want = TYPE_WORDS[String(p.type)] ?? String(p.type);
      const quote =
        p.type === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean')
          ? ' (put it in quotes)'
          : '';
      return at(`must be ${want}${quote}, not ${show(e.data)}`);
    }
    case 'const':
      return at(`must be ${show(p.allowedValue)}, not ${show(e.data)}`);
    case 'enum':
      return at(`${show(e.data)} is not allowed${expected(e)}`);
    case 'pattern':
    case 'format':
      return at(`${show(e.data)} is not valid${expected(e)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'above', '<': 'below' };
      return at(
        `must be ${words[String(p.comparison)] ?? p.comparison} ${show(p.limit)}, not ${show(e.data)}`,
      );
    }
    case 'minLength':
      return at(p.limit === 1 ? 'must not be empty' : `must be at least ${show(p.limit)} characters long`);
    case 'maxLength':
      return at(`is too long (at most ${show(p.limit)} characters)`);
    case 'minItems':
      return at(`must list at least ${show(p.limit)} item${p.limit === 1 ? '' : 's'}`);
    case 'uniqueItems': {
      const path = `${e.instancePath}/${Math.max(Number(p.i), Number(p.j))}`;
      return { path, message: `${fieldLabel(path)}: listed twice`, target: 'value' };
    }
    default:
      return at(e.message ?? 'is not valid');
  }
}

/** Small typos only: one edit apart, or the same letters in another case. */
function closeEnough(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const swapped = a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  return (
    swapped ||
    a.slice(i + 1) === b.slice(i + 1) ||
    a.slice(i + 1) === b.slice(i) ||
    a.slice(i) === b.slice(i + 1)
  );
}

/**
 * Checks `doc` against the schema and fills in every default in place (so check the result only when
 * no problem comes back). Problems point at the offending node of the YAML source.
 */
export function checkSchema(doc: unknown, where: SourceLocator): PolicyProblem[] {
  if (validate(doc)) return [];
  const seen = new Set<string>();
  const problems: PolicyProblem[] = [];
  for (const e of validate.errors ?? []) {
    const d = describe(e, fieldLabel(e.instancePath));
    const key = `${d.path}\n${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(where.problem(d.path, d.message, d.target));
  }
  return problems;
}
