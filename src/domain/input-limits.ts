// Limits on the shape of untrusted input, checked before anything walks it recursively: nesting depth,
// keys per object, items per array and values in all of a JSON body, form or query string, and the
// nesting depth of YAML text (estimated from the text itself, before the parser, whose composer
// recurses once per level and runs out of stack on a few thousand). The byte limits (request body,
// inbound mail, policy, OSV file) sit where the bytes arrive; docs/security-testing.md lists them all.

/** Deepest JSON nesting accepted (real documents — OSV records, advisories — stay under 10). */
export const MAX_JSON_DEPTH = 64;
/** Most keys in one object. */
export const MAX_OBJECT_KEYS = 1_000;
/** Most items in one array (an OSV record may list a few thousand versions). */
export const MAX_ARRAY_ITEMS = 10_000;
/** Most values (objects, arrays and scalars) in one request body. */
export const MAX_JSON_VALUES = 100_000;
/** Most fields in one urlencoded form (repeated names count each time). */
export const MAX_FORM_FIELDS = 1_000;
/** Most parameters in one query string. */
export const MAX_QUERY_PARAMS = 100;
/** Deepest YAML nesting accepted (policies and OSV records stay under 10). */
export const MAX_YAML_DEPTH = 64;
/** Most aliases a YAML document may expand (yaml's maxAliasCount; bounds "billion laughs"). */
export const MAX_YAML_ALIASES = 100;

/** Why a parsed JSON value is over the limits, or null. Iterative: any depth is safe to check. */
export function structureProblem(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let values = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++values > MAX_JSON_VALUES) return `more than ${MAX_JSON_VALUES} values`;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(v)) {
      if (v.length > MAX_ARRAY_ITEMS) return `an array of more than ${MAX_ARRAY_ITEMS} items`;
      for (const x of v) stack.push([x, depth + 1]);
    } else {
      const entries = Object.values(v as Record<string, unknown>);
      if (entries.length > MAX_OBJECT_KEYS) return `an object with more than ${MAX_OBJECT_KEYS} keys`;
      for (const x of entries) stack.push([x, depth + 1]);
    }
  }
  return null;
}

/**
 * An upper estimate of a YAML text's nesting depth, from its lines: open block collections are the
 * stack of increasing indentation columns (each `- ` or `? ` indicator opening one more), flow
 * collections count their brackets outside quotes and comments. Over-counts only odd layouts
 * (deeply indented block scalars), never under-counts what the parser would nest.
 */
export function yamlDepthEstimate(text: string): number {
  let max = 0;
  let flow = 0;
  const columns: number[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    let i = 0;
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i === line.length || line[i] === '#') continue;
    if (flow === 0) {
      while (columns.length && columns[columns.length - 1]! > i) columns.pop();
      if (!columns.length || columns[columns.length - 1]! < i) columns.push(i);
      // "- - - x" and "? - x": each indicator opens a collection one column further in.
      while ((line[i] === '-' || line[i] === '?') && (line[i + 1] === ' ' || line[i + 1] === '\t')) {
        i += 2;
        while (line[i] === ' ' || line[i] === '\t') i++;
        if (i < line.length) columns.push(i);
      }
    }
    let quote: string | null = null;
    for (let j = i; j < line.length; j++) {
      const c = line[j]!;
      if (quote) {
        if (c === quote) quote = null;
        else if (c === '\\' && quote === '"') j++;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (j === 0 || line[j - 1] === ' ' || line[j - 1] === '\t')) break;
      else if (c === '[' || c === '{') max = Math.max(max, columns.length + ++flow);
      else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    max = Math.max(max, columns.length + flow);
  }
  return max;
}

/** Why a YAML text is over the depth limit, or null. */
export function yamlDepthProblem(text: string): string | null {
  const depth = yamlDepthEstimate(text);
  return depth > MAX_YAML_DEPTH ? `YAML nested deeper than ${MAX_YAML_DEPTH} levels` : null;
}
