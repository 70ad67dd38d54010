// Parses a project's policy YAML into the Policy model: YAML syntax first, then docs/policy.schema.json
// (which also fills in the defaults), then the rules of policy-checks.ts. Every problem carries the line
// and column of the node it is about, so an editor or `parley policy check` can point at it.
import { LineCounter, parseDocument } from 'yaml';
import { SEVERITIES, type Severity } from '../case-state.ts';
import { parseDuration } from './duration.ts';
import { checkSemantics, weekdayNumber } from './policy-checks.ts';
import { SourceLocator, type PolicyProblem } from './policy-locate.ts';
import { checkSchema } from './policy-schema.ts';
import { MAX_YAML_ALIASES, yamlDepthProblem } from '../input-limits.ts';
import { CLOCKS, type ClockName, type Policy, type SlaPolicy, type SlaSet } from './policy.types.ts';

export { DEFAULT_POLICY, DEFAULT_POLICY_YAML } from './policy-defaults.ts';
export type { PolicyProblem } from './policy-locate.ts';

/** Policies are hand-written text; anything larger is a mistake (or an attack on the parser). */
export const MAX_POLICY_LENGTH = 256 * 1024;

export type ParsePolicyResult =
  { ok: true; policy: Policy; warnings: PolicyProblem[] } | { ok: false; problems: PolicyProblem[] };

/** The document once the schema accepted it and filled in its defaults. */
type DocSlaSet = Partial<Record<ClockName, string>>;
type PolicyDocument = Omit<Policy, 'sla'> & {
  sla: Omit<SlaPolicy, 'businessDays' | 'default' | 'bySeverity'> & {
    businessDays: (number | string)[];
    default: DocSlaSet;
    bySeverity: Partial<Record<Severity, DocSlaSet>>;
  };
};

const byPosition = (a: PolicyProblem, b: PolicyProblem) => a.line - b.line || a.column - b.column;

export function parsePolicy(yamlText: string): ParsePolicyResult {
  if (yamlText.length > MAX_POLICY_LENGTH)
    return {
      ok: false,
      problems: [
        {
          path: '',
          line: 1,
          column: 1,
          message: `policy is too long (at most ${MAX_POLICY_LENGTH} characters)`,
        },
      ],
    };
  // The YAML composer recurses once per nesting level: refuse absurd nesting before it runs.
  const deep = yamlDepthProblem(yamlText);
  if (deep) return { ok: false, problems: [{ path: '', line: 1, column: 1, message: deep }] };
  const lines = new LineCounter();
  // logLevel 'error': yaml would otherwise print a process warning per odd key (a collection used as a
  // key), which anyone saving or previewing a policy could use to fill the server's log.
  const doc = parseDocument(yamlText, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const where = new SourceLocator(doc, lines);
  const yamlProblem = (e: { code: string; message: string; pos: [number, number] }): PolicyProblem => {
    let message = e.message;
    if (e.code === 'DUPLICATE_KEY') {
      // The error's range covers only the key's first character; read the whole key from the source.
      const key = /^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:\n]*[^:\s])/.exec(yamlText.slice(e.pos[0]))?.[0];
      message = `duplicate key ${key && !/^["']/.test(key) ? JSON.stringify(key) : (key ?? '')}`.trim();
    }
    if (e.code === 'MULTIPLE_DOCS') message = 'a policy file holds one YAML document; remove the extra "---"';
    return { path: '', ...where.at(e.pos[0]), message: `YAML: ${message}` };
  };
  if (doc.errors.length) return { ok: false, problems: doc.errors.map(yamlProblem).sort(byPosition) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    return {
      ok: false,
      problems: [{ path: '', line: 1, column: 1, message: `YAML: ${(e as Error).message}` }],
    };
  }
  const schemaProblems = checkSchema(data, where);
  const semantic = checkSemantics(data, where);
  // A value the schema refused already has its problem; a second message about it would only be noise.
  const refused = new Set(schemaProblems.map((p) => p.path));
  const problems = [...schemaProblems, ...semantic.problems.filter((p) => !refused.has(p.path))];
  if (problems.length) return { ok: false, problems: problems.sort(byPosition) };
  const warnings = [...doc.warnings.map(yamlProblem), ...semantic.warnings].sort(byPosition);
  return { ok: true, policy: toPolicy(data as PolicyDocument), warnings };
}

function toSlaSet(set: DocSlaSet): SlaSet {
  const out: SlaSet = {};
  for (const clock of CLOCKS) {
    const text = set[clock];
    // Checked in policy-checks.ts, so a null here cannot happen.
    if (text !== undefined) out[clock] = parseDuration(text)!;
  }
  return out;
}

function toPolicy(d: PolicyDocument): Policy {
  const bySeverity: SlaPolicy['bySeverity'] = {};
  for (const s of SEVERITIES) {
    const set = d.sla.bySeverity[s];
    if (set) bySeverity[s] = toSlaSet(set);
  }
  const businessDays = [...new Set(d.sla.businessDays.map((v) => weekdayNumber(v)!))].sort((a, b) => a - b);
  return { ...d, sla: { ...d.sla, businessDays, default: toSlaSet(d.sla.default), bySeverity } };
}
