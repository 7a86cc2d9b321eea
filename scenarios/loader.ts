// Reads a scenario file: YAML → schema. A bad file gives every problem with the file, the line (where the
// YAML parser knows it), the field path and what was expected; nothing runs.
//
// A file may hold a `matrix:` (dotted paths into the document, each with the values to try): it expands into
// one run per combination, in file order, each named `<name>[<field>=<value>,…]` and validated on its own.
// Input files (`input.<robot>.file`) are resolved against the scenario file's folder and checked here too.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { eventSchema, matrixSchema, objectSchema, scenarioSchema, tremorFilterSchema, type Scenario } from './schema.ts';
import { HandTraceError, loadHandTrace } from './hand-trace.ts';
import { EXO_CONTROLLER_TYPES } from '../controller/exo/exo-frame.ts';

const ROBOT_TYPES = ['psm', 'ecm', 'exo'] as const;

/** The values of each discriminated union's tag, for "expected one of …" messages. */
const DISCRIMINATORS: Record<string, readonly string[]> = {
  type: tremorFilterSchema.options.map((o) => o.shape.type.value),
  shape: objectSchema.options.map((o) => o.shape.shape.value),
  kind: eventSchema.options.map((o) => o.shape.kind.value),
};

/** Most runs one matrix may expand into. */
export const MAX_VARIANTS = 1000;

export interface ScenarioProblem {
  readonly path: string;
  readonly line?: number;
  readonly message: string;
  /** The matrix variant the problem is in (absent when it is in every run of the file). */
  readonly variant?: string;
}

export class ScenarioError extends Error {
  constructor(readonly file: string, readonly problems: readonly ScenarioProblem[]) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.variant ? `variant ${p.variant}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ScenarioError';
  }
}

export interface LoadedScenario {
  readonly file: string;
  /** The YAML of this run alone (for a matrix variant: the file with the variant's values and without `matrix`). */
  readonly text: string;
  readonly scenario: Scenario;
  /** For a matrix variant: its position, and the value it takes for each matrix path. */
  readonly variant?: { readonly index: number; readonly count: number; readonly values: Readonly<Record<string, unknown>> };
}

function readScenarioText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, [{ path: '', message: `cannot read the file: ${(e as Error).message}` }]);
  }
}

/** A scenario file without a matrix (one with a matrix is an error here: use `loadScenarioVariants`). */
export function loadScenarioFile(file: string): LoadedScenario {
  const text = readScenarioText(file);
  return { file, text, scenario: parseScenario(text, file) };
}

/**
 * Every run a scenario file describes: one, or one per combination of its `matrix:` values, each with the
 * YAML text of that variant (what a recording stores; it parses alone to the same scenario).
 */
export function loadScenarioVariants(file: string): LoadedScenario[] {
  return parseScenarioVariants(readScenarioText(file), file);
}

/**
 * The scenario of a YAML text. `file` names it in errors and is where relative input files are found (its
 * folder; the working folder when it is not a path). A text with a matrix is an error: use `parseScenarioVariants`.
 */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const parsed = parseYaml(text, file);
  if (parsed.data.matrix !== undefined) {
    const runs = parseScenarioVariants(text, file); // reports the matrix's own problems first
    throw new ScenarioError(file, [{
      path: 'matrix', line: lineOf(parsed.doc, parsed.lines, ['matrix']),
      message: `this file is a matrix of ${runs.length} runs: load it with loadScenarioVariants (steadysim run and batch run them all)`,
    }]);
  }
  return validate(parsed.data, file, (path) => lineOf(parsed.doc, parsed.lines, path));
}

/** Every run of a YAML text: see `loadScenarioVariants`. */
export function parseScenarioVariants(text: string, file = '<scenario>'): LoadedScenario[] {
  const { doc, lines, data } = parseYaml(text, file);
  if (data.matrix === undefined) return [{ file, text, scenario: validate(data, file, (path) => lineOf(doc, lines, path)) }];
  const matrix = readMatrix(doc, lines, data, file);
  const base: Record<string, unknown> = { ...data };
  delete base.matrix;
  const baseName = typeof base.name === 'string' ? base.name : 'scenario';
  const count = matrix.reduce((n, m) => n * m.values.length, 1);
  if (count > MAX_VARIANTS) {
    throw new ScenarioError(file, [{ path: 'matrix', line: lineOf(doc, lines, ['matrix']), message: `expands into ${count} runs; at most ${MAX_VARIANTS}` }]);
  }
  const runs: LoadedScenario[] = [];
  const problems = new Map<string, { problem: ScenarioProblem; variants: string[] }>();
  for (let index = 0; index < count; index++) {
    // Cartesian product in file order: the last path varies fastest.
    const pick: number[] = [];
    for (let k = matrix.length - 1, rest = index; k >= 0; k--) {
      pick[k] = rest % matrix[k].values.length;
      rest = Math.floor(rest / matrix[k].values.length);
    }
    const name = `${baseName}[${matrix.map((m, k) => `${m.label}=${m.shown[pick[k]]}`).join(',')}]`;
    const variantData = structuredClone(base);
    const variantDoc = doc.clone();
    variantDoc.delete('matrix');
    const values: Record<string, unknown> = {};
    for (let k = 0; k < matrix.length; k++) {
      const value = matrix[k].values[pick[k]];
      values[matrix[k].key] = value;
      setPath(variantData, matrix[k].path, structuredClone(value));
      variantDoc.setIn(matrix[k].path, variantDoc.createNode(value));
    }
    variantData.name = name;
    variantDoc.set('name', name);
    // A problem under a matrix path is on the line of that matrix value; any other on its line in the file.
    const lineFor = (path: readonly PropertyKey[]): number | undefined => {
      for (let k = 0; k < matrix.length; k++) {
        if (isPrefix(matrix[k].path, path)) return lineOf(doc, lines, ['matrix', matrix[k].key, pick[k]]);
      }
      return lineOf(doc, lines, path);
    };
    try {
      const scenario = validate(variantData, file, lineFor);
      runs.push({ file, text: variantDoc.toString(), scenario, variant: { index, count, values } });
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      for (const p of e.problems) {
        const key = `${p.line}\u0000${p.path}\u0000${p.message}`;
        const seen = problems.get(key);
        if (seen) seen.variants.push(name);
        else problems.set(key, { problem: p, variants: [name] });
      }
    }
  }
  if (problems.size > 0) {
    throw new ScenarioError(file, [...problems.values()].map(({ problem, variants }) => (variants.length === count
      ? problem
      : { ...problem, variant: variants.length === 1 ? variants[0] : `${variants[0]} (and ${variants.length - 1} more)` })));
  }
  return runs;
}

interface ParsedYaml {
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly data: Record<string, unknown>;
}

function parseYaml(text: string, file: string): ParsedYaml {
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
  return { doc, lines, data: data as Record<string, unknown> };
}

/** Schema check, then the input files: each resolved against the scenario's folder and read. */
function validate(data: unknown, file: string, lineFor: (path: readonly PropertyKey[]) => number | undefined): Scenario {
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    throw new ScenarioError(file, parsed.error.issues.flatMap((issue) => problemsOf(issue, [], data, lineFor)));
  }
  const s = parsed.data;
  const problems: ScenarioProblem[] = [];
  const folder = file.startsWith('<') ? process.cwd() : dirname(resolve(file));
  for (const [robot, input] of Object.entries(s.input)) {
    if (input.file === undefined) continue;
    const path = resolve(folder, input.file);
    try {
      loadHandTrace(path);
      input.file = path;
    } catch (e) {
      if (!(e instanceof HandTraceError)) throw e;
      const where = `${input.file}${e.line !== undefined ? `:${e.line}` : ''}`;
      problems.push({ path: `input.${robot}.file`, line: lineFor(['input', robot, 'file']), message: `${where}: ${e.reason}` });
    }
  }
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return s;
}

// ------------------------------------------------------------------------------------------------- matrix

interface MatrixEntry {
  /** As written: `controller.psm1.scale`. */
  readonly key: string;
  /** Into the document: string keys, numbers for list indices. */
  readonly path: readonly (string | number)[];
  readonly values: readonly unknown[];
  /** In variant names: the last segment (more if two paths end alike). */
  readonly label: string;
  readonly shown: readonly string[];
}

function readMatrix(doc: Document, lines: LineCounter, data: Record<string, unknown>, file: string): MatrixEntry[] {
  const parsed = matrixSchema.safeParse(data.matrix);
  if (!parsed.success) {
    throw new ScenarioError(file, parsed.error.issues.flatMap((issue) =>
      problemsOf({ ...issue, path: ['matrix', ...issue.path] }, [], data, (path) => lineOf(doc, lines, path))));
  }
  const problems: ScenarioProblem[] = [];
  const entries = Object.entries(parsed.data).map(([key, values]) => {
    const path = key.split('.').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
    const wrong = schemaPathProblem(path);
    const at = `matrix["${key}"]`;
    if (wrong) problems.push({ path: at, line: lineOf(doc, lines, ['matrix', key]), message: wrong });
    else if (key === 'name' || key === 'matrix') problems.push({ path: at, line: lineOf(doc, lines, ['matrix', key]), message: `'${key}' cannot vary (each variant is named after its values)` });
    else {
      const missing = missingIndex(data, path);
      if (missing) problems.push({ path: at, line: lineOf(doc, lines, ['matrix', key]), message: missing });
    }
    return { key, path, values };
  });
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return entries.map((e, k) => {
    const label = shortestSuffix(entries.map((x) => x.key.split('.')), k);
    const shown = showValues(e.values);
    return { ...e, label, shown };
  });
}

function isPrefix(prefix: readonly (string | number)[], path: readonly PropertyKey[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (String(prefix[i]) !== String(path[i])) return false;
  return true;
}

/** Sets `value` at `path` in plain data, making maps on the way where there are none. */
function setPath(data: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = data;
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i]];
    if (next === null || typeof next !== 'object') node[path[i]] = {};
    node = node[path[i]] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** A list index in the path that the document does not have (a matrix cannot add list entries). */
function missingIndex(data: unknown, path: readonly (string | number)[]): string | undefined {
  let node = data;
  for (let i = 0; i < path.length; i++) {
    if (node === null || node === undefined || typeof node !== 'object') return undefined;
    const seg = path[i];
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return undefined;
      if (seg >= node.length) return `${path.slice(0, i).join('.')} has ${node.length} entries, so there is no entry ${seg} to vary`;
    }
    node = (node as Record<string | number, unknown>)[seg];
  }
  return undefined;
}

function shortestSuffix(all: readonly string[][], k: number): string {
  const mine = all[k];
  for (let n = 1; n <= mine.length; n++) {
    const suffix = mine.slice(-n).join('.');
    if (all.every((other, j) => j === k || other.slice(-n).join('.') !== suffix)) return suffix;
  }
  return mine.join('.');
}

/** Values as variant names show them: numbers and strings as they are; objects by their `type` (or short JSON). */
function showValues(values: readonly unknown[]): string[] {
  const short = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const json = (JSON.stringify(v) ?? String(v)).replace(/"([^"]*)"/g, '$1');
    return json.length > 48 ? `${json.slice(0, 47)}…` : json;
  };
  const tagged = values.map((v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    for (const tag of ['type', 'kind', 'shape', 'mode', 'id']) if (typeof o[tag] === 'string') return o[tag] as string;
    return undefined;
  });
  // The tag alone when it tells the values apart; the short JSON otherwise.
  const distinct = tagged.every((t) => t !== undefined) && new Set(tagged).size === values.length;
  return values.map((v, i) => (distinct ? tagged[i]! : short(v)));
}

// Walking the zod schema by field names: does a path exist in the language?
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly element?: unknown;
  readonly keyType?: unknown;
  readonly valueType?: unknown;
  readonly items?: readonly unknown[];
  readonly options?: readonly unknown[];
}

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

/** The schemas a step `key` leads to from `schema` (several through unions), and the field names there were. */
function step(schema: unknown, key: string | number, fields: Set<string>): unknown[] {
  const d = defOf(schema);
  switch (d.type) {
    case 'optional': case 'default': case 'prefault': case 'nullable': case 'readonly': case 'catch':
      return step(d.innerType, key, fields);
    case 'pipe':
      return step(d.in, key, fields);
    case 'object':
      for (const f of Object.keys(d.shape!)) fields.add(f);
      return typeof key === 'string' && Object.hasOwn(d.shape!, key) ? [d.shape![key]] : [];
    case 'record':
      return (d.keyType as z.ZodType).safeParse(String(key)).success ? [d.valueType] : [];
    case 'array':
      return typeof key === 'number' ? [d.element] : [];
    case 'tuple':
      return typeof key === 'number' && key < d.items!.length ? [d.items![key]] : [];
    case 'union':
      return d.options!.flatMap((o) => step(o, key, fields));
    default:
      return [];
  }
}

function schemaPathProblem(path: readonly (string | number)[]): string | undefined {
  let at: unknown[] = [scenarioSchema];
  for (let i = 0; i < path.length; i++) {
    const fields = new Set<string>();
    at = at.flatMap((s) => step(s, path[i], fields));
    if (at.length === 0) {
      const where = i === 0 ? 'the scenario' : path.slice(0, i).join('.');
      const expected = fields.size > 0 ? `; expected one of ${[...fields].join(', ')}` : typeof path[i] === 'number' ? '' : ' (a list index or a robot id?)';
      return `no field '${path[i]}' in ${where}${expected}`;
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------- errors

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

/** The problems an issue stands for; a union's is that of the form the value was closest to, where one was. */
function problemsOf(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[], data: unknown, lineFor: (path: readonly PropertyKey[]) => number | undefined): ScenarioProblem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branch = closestBranch(issue.errors, valueAt(data, path));
    if (branch) return branch.flatMap((sub) => problemsOf(sub, path, data, lineFor));
  }
  return [{ path: formatPath(path), line: lineFor(path), message: describeIssue(issue, path, data) }];
}

/**
 * Of a union's branches, the one whose complaints say the value almost had its shape (fewest unknown or missing
 * top-level fields, no type mismatch at the top), or undefined when two are equally close.
 */
function closestBranch(branches: readonly (readonly z.core.$ZodIssue[])[], value: unknown): readonly z.core.$ZodIssue[] | undefined {
  const score = (b: readonly z.core.$ZodIssue[]): number => b.reduce((n, i) => {
    if (i.path.length === 0 && i.code === 'invalid_type') return n + 100;
    if (i.path.length === 0 && i.code === 'unrecognized_keys') return n + i.keys.length;
    if (i.path.length === 1 && i.code === 'invalid_type' && valueAt(value, i.path) === undefined) return n + 1;
    return n;
  }, 0);
  const scores = branches.map(score);
  const best = Math.min(...scores);
  if (best >= 100 || scores.filter((x) => x === best).length > 1) return undefined;
  return branches[scores.indexOf(best)];
}

function describeIssue(issue: z.core.$ZodIssue, path: readonly PropertyKey[], data: unknown): string {
  const got = valueAt(data, path);
  const shown = got === undefined ? 'nothing' : JSON.stringify(got);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (a typo?)`;
    case 'invalid_type':
      return got === undefined ? `missing: expected ${issue.expected}` : `expected ${issue.expected}, got ${shown}`;
    case 'invalid_union': {
      const key = path.at(-1);
      // Robot types (robots[i].type) and an exoskeleton's controller types (robots[i].controller.type) are `type`s too.
      const inRobots = key === 'type' && path[0] === 'robots';
      const options = inRobots && path.length === 3 ? ROBOT_TYPES
        : inRobots && path[path.length - 2] === 'controller' ? EXO_CONTROLLER_TYPES
          : typeof key === 'string' ? DISCRIMINATORS[key] : undefined;
      if (options && issue.errors.length === 0) return `expected one of ${options.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}`;
      const m = issue.message;
      return m && m !== 'Invalid input' ? `expected ${m}, got ${shown}` : `expected one of the allowed forms, got ${shown}`;
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
