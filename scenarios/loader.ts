// Reads a scenario file: YAML → schema. A bad file gives every problem with the file, the line (where the
// YAML parser knows it), the field path and what was expected; nothing runs.
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { eventSchema, objectSchema, scenarioSchema, tremorFilterSchema, type Scenario } from './schema.ts';

/** The values of each discriminated union's tag, for "expected one of …" messages. */
const DISCRIMINATORS: Record<string, readonly string[]> = {
  type: tremorFilterSchema.options.map((o) => o.shape.type.value),
  shape: objectSchema.options.map((o) => o.shape.shape.value),
  kind: eventSchema.options.map((o) => o.shape.kind.value),
};

export interface ScenarioProblem {
  readonly path: string;
  readonly line?: number;
  readonly message: string;
}

export class ScenarioError extends Error {
  constructor(readonly file: string, readonly problems: readonly ScenarioProblem[]) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ScenarioError';
  }
}

export interface LoadedScenario {
  readonly file: string;
  readonly text: string;
  readonly scenario: Scenario;
}

export function loadScenarioFile(file: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, [{ path: '', message: `cannot read the file: ${(e as Error).message}` }]);
  }
  return { file, text, scenario: parseScenario(text, file) };
}

/**
 * Every run a scenario file describes: one, or one per combination of its `matrix:` values, each with the
 * YAML text of that variant (what a recording stores). Placeholder until the matrix lands: one run.
 */
export function loadScenarioVariants(file: string): LoadedScenario[] {
  return [loadScenarioFile(file)];
}

export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(file, doc.errors.map((e) => ({
      path: '', line: e.linePos?.[0]?.line, message: `YAML syntax: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    })));
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(file, [{ path: '', line: 1, message: 'expected a mapping with name, duration, robots, …' }]);
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    throw new ScenarioError(file, parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      line: lineOf(doc, lines, issue.path),
      message: describeIssue(issue, data),
    })));
  }
  return parsed.data;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

/** The line of the deepest node of `path` that exists in the document. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const got = valueAt(data, issue.path);
  const shown = got === undefined ? 'nothing' : JSON.stringify(got);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (a typo?)`;
    case 'invalid_type':
      return got === undefined ? `missing: expected ${issue.expected}` : `expected ${issue.expected}, got ${shown}`;
    case 'invalid_union': {
      const key = issue.path.at(-1);
      const options = typeof key === 'string' ? DISCRIMINATORS[key] : undefined;
      return options ? `expected one of ${options.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}` : `expected one of the allowed forms, got ${shown}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}`;
    case 'too_small':
      return `${issue.message.replace(/^Too small: expected /, 'expected ')}, got ${shown}`;
    case 'too_big':
      return `${issue.message.replace(/^Too big: expected /, 'expected ')}, got ${shown}`;
    default: {
      const m = issue.message.replace(/^Invalid input: /, '');
      // Our refinements phrase what they want as "a …"; custom checks write whole sentences.
      return /^an? /.test(m) ? `expected ${m}, got ${shown}` : m;
    }
  }
}
