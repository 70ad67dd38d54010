// Finds where a JSON pointer into the policy document was written in the YAML source, so every problem
// carries a line and column. A path that is not in the source (a value filled in by a default) falls back
// to the nearest parent that is.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface PolicyProblem {
  /** JSON pointer into the document, e.g. `/sla/timeZone`. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

export interface SourcePosition {
  line: number;
  column: number;
}

interface Step {
  node: Node | null;
  /** The mapping key the node is the value of (null for sequence items and the root). */
  key: Node | null;
}

export function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function pointer(segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `/scope/inScope/0/id` → `scope.inScope[0].id`: how messages name a field. */
export function fieldLabel(path: string): string {
  let label = '';
  for (const s of pointerSegments(path)) label += /^\d+$/.test(s) ? `[${s}]` : label ? `.${s}` : s;
  return label || 'policy';
}

function keyText(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  return null;
}

function hasText(node: Node | null): node is Node {
  // `key:` with nothing after it parses as an empty null scalar; pointing at its key reads better.
  return !!node?.range && !(isScalar(node) && node.value === null && node.range[0] === node.range[1]);
}

export class SourceLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private walk(path: string): { steps: Step[]; complete: boolean } {
    const segments = pointerSegments(path);
    const steps: Step[] = [{ node: this.doc.contents as Node | null, key: null }];
    for (const seg of segments) {
      let cur = steps[steps.length - 1]!.node;
      if (isAlias(cur)) cur = (cur.resolve(this.doc) as Node | undefined) ?? null;
      let next: Step | null = null;
      if (isMap(cur)) {
        const pair = cur.items.find((p) => keyText(p.key) === seg);
        if (pair) next = { node: (pair.value as Node | null) ?? null, key: pair.key as Node };
      } else if (isSeq(cur) && /^\d+$/.test(seg)) {
        const item = cur.items[Number(seg)];
        if (item !== undefined) next = { node: item as Node, key: null };
      }
      if (!next) return { steps, complete: false };
      steps.push(next);
    }
    return { steps, complete: true };
  }

  /** Whether the path was written in the source (as opposed to filled in by a default). */
  has(path: string): boolean {
    return this.walk(path).complete;
  }

  /**
   * Where to point for `path`: its value (or, with `target: 'key'`, its key, e.g. for an unknown or a
   * missing property); a path the source lacks points at its nearest written parent's key.
   */
  position(path: string, target: 'value' | 'key' = 'value'): SourcePosition {
    const { steps, complete } = this.walk(path);
    const last = steps[steps.length - 1]!;
    if (complete) {
      if (target === 'key' && last.key?.range) return this.at(last.key.range[0]);
      if (hasText(last.node)) return this.at(last.node.range![0]);
    }
    for (let i = steps.length - 1; i >= 0; i--) {
      const s = steps[i]!;
      if (s.key?.range) return this.at(s.key.range[0]);
      if (hasText(s.node)) return this.at(s.node.range![0]);
    }
    return { line: 1, column: 1 };
  }

  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  problem(path: string, message: string, target: 'value' | 'key' = 'value'): PolicyProblem {
    return { path, ...this.position(path, target), message };
  }
}
