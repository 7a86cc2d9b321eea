// `steadysim batch`: many scenario files (files, folders, globs), each expanded into its matrix variants, run
// on a pool of worker threads (each loads Rapier once and runs many scenarios), with progress, a summary
// table, a result.json per run and optionally a JUnit XML report for CI.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { escapePath, glob, isDynamicPattern } from 'tinyglobby';
import { parse as parseYaml } from 'yaml';
import Table from 'cli-table3';
import cliProgress from 'cli-progress';
import { loadScenarioVariants, ScenarioError, type LoadedScenario } from './loader.ts';
import type { Assertion, RunOptions, RunResult } from './runner.ts';
import type { Scenario } from './schema.ts';
import type { WorkerReply, WorkerRequest } from './batch-worker.ts';
import { batchWorkerEntry } from './batch-worker-bundle.ts';
import { junitXml, type JUnitCase, type JUnitSuite } from './junit.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_PASSED } from './cli.ts';

const SCENARIO_FILE = /\.ya?ml$/i;

// ---------------------------------------------------------------------------------------------- files

export interface CollectedFiles {
  /** Scenario files, sorted, each once; relative to the working folder where they are inside it. */
  readonly files: readonly string[];
  /** Patterns that matched no scenario file. */
  readonly unmatched: readonly string[];
}

/**
 * Scenario files from files, folders (every *.yaml / *.yml inside, recursively) and globs (tinyglobby syntax;
 * only *.yaml / *.yml matches count). A path that names a file is taken whatever its extension. A pattern that
 * starts with `!` leaves out what it matches (a file, a folder or a glob), e.g. `'!scenarios/live-*.yaml'`.
 */
export async function collectScenarioFiles(patterns: readonly string[], cwd = process.cwd()): Promise<CollectedFiles> {
  const found = new Map<string, string>(); // absolute path → shown path
  const unmatched: string[] = [];
  const excluded = new Set<string>();
  for (const pattern of patterns.filter((p) => p.startsWith('!'))) {
    const p = pattern.slice(1);
    const st = statOrUndefined(resolve(cwd, p));
    const hits = st?.isFile() ? [resolve(cwd, p)]
      : await glob(st?.isDirectory() ? `${escapePath(p)}/**` : p, { cwd, absolute: true, onlyFiles: true, expandDirectories: false, dot: true });
    for (const h of hits) excluded.add(resolve(h));
  }
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    const abs = resolve(cwd, pattern);
    const st = statOrUndefined(abs);
    let hits: string[];
    if (st?.isFile()) hits = [abs];
    else if (st?.isDirectory()) hits = await glob('**/*.{yaml,yml}', { cwd: abs, absolute: true, onlyFiles: true, caseSensitiveMatch: false, ignore: ['**/node_modules/**'] });
    else if (isDynamicPattern(pattern)) hits = (await glob(pattern, { cwd, absolute: true, onlyFiles: true, expandDirectories: false })).filter((f) => SCENARIO_FILE.test(f));
    else hits = [];
    hits = hits.map((h) => resolve(h)).filter((h) => !excluded.has(h));
    if (hits.length === 0) unmatched.push(pattern);
    for (const a of hits) if (!found.has(a)) found.set(a, shownPath(a, cwd));
  }
  const files = [...found.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files, unmatched };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function shownPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

// ----------------------------------------------------------------------------------------------- plan

export interface PlannedRun {
  /** Position in the batch (files sorted, then variants in order). */
  readonly index: number;
  readonly file: string;
  /** Index of the variant in the file's matrix (0 without a matrix). */
  readonly variant: number;
  /** The run's name: the variant's scenario name, made unique within the batch. */
  readonly name: string;
  /** Its folder under the output folder: the name, filesystem-safe and unique (also ignoring case). */
  readonly dir: string;
  readonly scenario: Scenario;
  /** The variant's YAML text (what a recording stores). */
  readonly text: string;
}

export interface PlannedFile {
  readonly file: string;
  /** The scenario's name (its JUnit test suite). */
  readonly suite: string;
  readonly runs: readonly PlannedRun[];
  /** Set when the file is invalid: what is wrong with it (file, line, field, what was expected). */
  readonly invalid?: string;
}

export interface BatchPlan {
  readonly files: readonly PlannedFile[];
  readonly runs: readonly PlannedRun[];
}

/** Loads and validates every file and expands its variants; an invalid file is kept with its errors, not thrown. */
export function planBatch(files: readonly string[]): BatchPlan {
  const names = new Set<string>();
  const dirs = new Set<string>();
  const runs: PlannedRun[] = [];
  const planned = files.map((file): PlannedFile => {
    let variants: LoadedScenario[];
    try {
      variants = loadScenarioVariants(file);
    } catch (e) {
      // A ScenarioError names the file, line and field; anything else gets the file name in front.
      const invalid = e instanceof ScenarioError ? e.message : `${file}: ${e instanceof Error ? e.message : String(e)}`;
      return { file, suite: suiteName(file), runs: [], invalid };
    }
    const fileRuns = variants.map((v, variant): PlannedRun => {
      const name = unique(v.scenario.name, (n) => !names.has(n));
      names.add(name);
      const dir = unique(safeName(name), (d) => !dirs.has(d.toLowerCase()));
      dirs.add(dir.toLowerCase());
      const run: PlannedRun = { index: runs.length, file, variant, name, dir, scenario: v.scenario, text: v.text };
      runs.push(run);
      return run;
    });
    return { file, suite: variants.length === 1 ? variants[0].scenario.name : suiteName(file), runs: fileRuns };
  });
  return { files: planned, runs };
}

/** The `name:` at the top of the file if it has one (also for an invalid file), else the file name. */
function suiteName(file: string): string {
  try {
    const data: unknown = parseYaml(readFileSync(file, 'utf8'));
    if (data && typeof data === 'object' && 'name' in data && typeof data.name === 'string' && data.name) return data.name;
  } catch {
    // unreadable or not YAML: fall back to the file name
  }
  return basename(file, extname(file));
}

function unique(base: string, free: (candidate: string) => boolean): string {
  if (free(base)) return base;
  for (let n = 2; ; n++) if (free(`${base}-${n}`)) return `${base}-${n}`;
}

/** A folder name that is safe on Linux, macOS and Windows: letters, digits and `._=+-`, nothing hidden or reserved. */
export function safeName(name: string): string {
  let s = name.normalize('NFKD').replace(/[^A-Za-z0-9._=+-]+/g, '_').replace(/^[._]+/, '').replace(/[._]+$/, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(s)) s = `_${s}`;
  return s.slice(0, 120) || 'run';
}

// ----------------------------------------------------------------------------------------------- pool

export interface RunError {
  readonly message: string;
  readonly stack?: string;
}

/** What became of one run: its result, or the error it threw. */
export type RunOutcome = { readonly result: RunResult; readonly error?: undefined } | { readonly result?: undefined; readonly error: RunError };

export interface PoolOptions {
  /** Worker threads (at least 1; never more than runs). */
  readonly workers: number;
  /** Overrides every scenario's seed. */
  readonly seed?: number;
  /** Recording of a run (called on the main thread just before it is sent to a worker); undefined: none. */
  readonly record?: (run: PlannedRun) => RunOptions['record'];
  /** Called on the main thread as each run finishes, in the order they finish. */
  readonly onDone?: (run: PlannedRun, outcome: RunOutcome, done: number) => void;
}

/** Work estimate for scheduling: longest runs first, so that no worker is left with a long one at the end. */
const cost = (r: PlannedRun): number => r.scenario.duration * r.scenario.rate * r.scenario.robots.length;

type RunKind = 'exo' | 'arm';

/** Which code a run exercises most: the exoskeleton's or the arms'. */
const kindOf = (r: PlannedRun): RunKind => (r.scenario.robots.some((x) => x.type === 'exo') ? 'exo' : 'arm');

/**
 * Takes a worker's next run out of the queue (longest first): the longest left of the kind the worker last ran,
 * else the longest left. V8 optimises a worker thread's code for that thread alone, and each kind of scene runs
 * code of its own, much of it optimised more than once as new runs reach new paths: a worker that keeps to one
 * kind leaves the other kind's compiling to the other worker instead of both compiling everything. Measured on
 * the library with 2 workers on 2 cores: V8's compiler threads took 3.0 s of CPU instead of 3.9, and the batch
 * 13.5 s instead of 14.1.
 */
function takeNext(queue: PlannedRun[], kind: RunKind): PlannedRun | undefined {
  const i = queue.findIndex((r) => kindOf(r) === kind);
  return queue.splice(i < 0 ? 0 : i, 1)[0];
}

/**
 * Runs every planned run on a pool of worker threads and returns the outcomes in plan order. A run that throws
 * is an error outcome; a worker thread that dies takes only its current run with it and is replaced.
 */
export async function runBatch(runs: readonly PlannedRun[], o: PoolOptions): Promise<RunOutcome[]> {
  const outcomes: (RunOutcome | undefined)[] = new Array<RunOutcome | undefined>(runs.length);
  if (runs.length === 0) return [];
  const entry = await batchWorkerEntry();
  const queue = [...runs].sort((a, b) => cost(b) - cost(a) || a.index - b.index);
  let done = 0;
  let live = 0;
  return new Promise((resolvePromise) => {
    const settle = (run: PlannedRun, outcome: RunOutcome): void => {
      if (outcomes[run.index]) return;
      outcomes[run.index] = outcome;
      done++;
      o.onDone?.(run, outcome, done);
      if (done === runs.length) resolvePromise(outcomes as RunOutcome[]);
    };
    let started = 0;
    const start = (): void => {
      const worker = new Worker(entry);
      live++;
      let current: PlannedRun | undefined;
      let crash: Error | undefined;
      // Workers start on alternate kinds, the first on the kind of the longest run.
      const first = kindOf(queue[0]);
      let kind: RunKind = started++ % 2 === 0 ? first : first === 'exo' ? 'arm' : 'exo';
      const next = (): void => {
        current = takeNext(queue, kind);
        if (current) kind = kindOf(current);
        if (!current) {
          void worker.terminate();
          return;
        }
        const req: WorkerRequest = { type: 'run', id: current.index, file: current.file, scenario: current.scenario, seed: o.seed, record: o.record?.(current) };
        worker.postMessage(req);
      };
      worker.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') return next();
        const run = current;
        if (!run || run.index !== m.id) return;
        current = undefined;
        settle(run, m.type === 'done' ? { result: m.result } : { error: { message: m.message, stack: m.stack } });
        next();
      });
      worker.on('error', (e) => {
        crash = e;
      });
      worker.on('exit', (code) => {
        live--;
        const why = crash ? crash.message : `exit code ${code}`;
        if (current) {
          settle(current, { error: { message: `the worker thread stopped during the run (${why})`, stack: crash?.stack } });
          current = undefined;
          if (queue.length > 0) start(); // its replacement takes the rest of its share
        } else if (live === 0 && queue.length > 0) {
          // Every worker died before running anything (e.g. tsx or Rapier failed to load): fail what is left.
          for (const run of queue.splice(0)) settle(run, { error: { message: `no worker thread could start (${why})`, stack: crash?.stack } });
        }
      });
    };
    for (let i = 0; i < Math.max(1, Math.min(o.workers, runs.length)); i++) start();
  });
}

// -------------------------------------------------------------------------------------------- command

export interface BatchOptions {
  readonly workers?: number;
  readonly junit?: string;
  readonly out?: string;
  readonly record?: boolean;
  readonly seed?: number;
  readonly quiet?: boolean;
}

/** `steadysim batch …`: 0 when every run passes, 1 when a run fails or crashes, 2 when a file is invalid or a pattern matches nothing. */
export async function batchCommand(patterns: readonly string[], o: BatchOptions): Promise<number> {
  const { files, unmatched } = await collectScenarioFiles(patterns);
  if (unmatched.length > 0) {
    for (const p of unmatched) process.stderr.write(`no scenario files match '${p}'\n`);
    return EXIT_INVALID;
  }
  if (files.length === 0) {
    process.stderr.write('no scenario files to run (every pattern leaves files out)\n');
    return EXIT_INVALID;
  }
  const plan = planBatch(files);
  const invalid = plan.files.filter((f) => f.invalid !== undefined);
  for (const f of invalid) process.stderr.write(`invalid scenario:\n${f.invalid}\n`);

  const outDir = resolve(o.out ?? join('out', 'batch'));
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), plan.runs.length));
  const progress = o.quiet ? undefined : progressReporter(plan.runs.length);
  const t0 = performance.now();
  const outcomes = await runBatch(plan.runs, {
    workers,
    seed: o.seed,
    record: o.record ? (run) => {
      const dir = join(outDir, run.dir);
      mkdirSync(dir, { recursive: true });
      return { path: join(dir, 'run.mcap'), scenarioText: run.text, scenarioFile: resolve(run.file) };
    } : undefined,
    onDone: (run, outcome, done) => {
      writeRunOutput(join(outDir, run.dir), outcome);
      progress?.done(run, outcome, done);
    },
  });
  progress?.stop();
  const wall = (performance.now() - t0) / 1000;

  let junitPath: string | undefined;
  if (o.junit) {
    junitPath = resolve(o.junit);
    mkdirSync(dirname(junitPath), { recursive: true });
    writeFileSync(junitPath, junitXml(batchSuites(plan, outcomes), 'steadysim batch'));
  }
  process.stdout.write(batchSummary(plan, outcomes, { wall, workers, outDir, junitPath }));
  if (invalid.length > 0) return EXIT_INVALID;
  return outcomes.every((x) => x.result?.passed) ? EXIT_PASSED : EXIT_FAILED;
}

function writeRunOutput(dir: string, outcome: RunOutcome): void {
  mkdirSync(dir, { recursive: true });
  // Never leave the other file of an earlier batch beside this one's.
  rmSync(join(dir, outcome.result ? 'error.txt' : 'result.json'), { force: true });
  if (outcome.result) writeFileSync(join(dir, 'result.json'), JSON.stringify(outcome.result, null, 2) + '\n');
  else writeFileSync(join(dir, 'error.txt'), (outcome.error.stack ?? outcome.error.message) + '\n');
}

const verdict = (x: RunOutcome): 'PASS' | 'FAIL' | 'ERROR' => (x.error ? 'ERROR' : x.result.passed ? 'PASS' : 'FAIL');

function limitText(a: Assertion): string {
  return [a.limit.min != null ? `≥ ${a.limit.min}` : '', a.limit.max != null ? `≤ ${a.limit.max}` : ''].filter(Boolean).join(', ');
}

const failedText = (a: Assertion): string => `${a.name} = ${a.value} (${limitText(a)})`;

/** Progress on stderr: a bar on a terminal, one plain line per finished run otherwise (CI logs). */
function progressReporter(total: number): { done(run: PlannedRun, x: RunOutcome, done: number): void; stop(): void } {
  let failed = 0;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: 'batch {bar} {value}/{total} runs | {failed} failed | {last}',
      stream: process.stderr,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 4,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { failed, last: '' });
    return {
      done(run, x) {
        if (verdict(x) !== 'PASS') failed++;
        bar.increment(1, { failed, last: `${verdict(x)} ${run.name}` });
      },
      stop: () => bar.stop(),
    };
  }
  return {
    done(run, x, done) {
      const head = `[${done}/${total}] ${verdict(x)} ${run.name}`;
      if (x.error) {
        process.stderr.write(`${head}: ${x.error.message}\n`);
        return;
      }
      const r = x.result;
      const fails = r.assertions.filter((a) => !a.passed).map(failedText);
      process.stderr.write(`${head} (${r.duration.toFixed(1)} s sim, ${r.wall_s.toFixed(1)} s wall)${fails.length ? ` — ${fails.join('; ')}` : ''}\n`);
    },
    stop() {},
  };
}

export function batchSummary(plan: BatchPlan, outcomes: readonly RunOutcome[], info: { wall: number; workers: number; outDir: string; junitPath?: string }): string {
  const table = new Table({
    head: ['scenario', 'result', 'duration', 'wall', 'failed expectations'],
    style: { head: [], border: [] },
    colWidths: [null, null, null, null, 72],
    wordWrap: true,
  });
  for (const f of plan.files) {
    if (f.invalid !== undefined) {
      const lines = f.invalid.split('\n');
      const first = lines[0].startsWith(f.file) ? lines[0].slice(f.file.length).replace(/^:(\d+):/, 'line $1:').replace(/^:\s*/, '') : lines[0];
      table.push([f.file, 'INVALID', '', '', first + (lines.length > 1 ? ` (+${lines.length - 1} more)` : '')]);
    }
    for (const run of f.runs) {
      const x = outcomes[run.index];
      if (x.error) table.push([run.name, 'ERROR', `${run.scenario.duration} s`, '', x.error.message]);
      else table.push([run.name, verdict(x), `${x.result.duration} s`, `${x.result.wall_s.toFixed(2)} s`, x.result.assertions.filter((a) => !a.passed).map(failedText).join('\n')]);
    }
  }
  const n = (v: 'PASS' | 'FAIL' | 'ERROR') => outcomes.filter((x) => verdict(x) === v).length;
  const invalid = plan.files.filter((f) => f.invalid !== undefined).length;
  const counts = [`${outcomes.length} run${outcomes.length === 1 ? '' : 's'} from ${plan.files.length} file${plan.files.length === 1 ? '' : 's'}`,
    `${n('PASS')} passed`, `${n('FAIL')} failed`, `${n('ERROR')} errors`, `${invalid} invalid file${invalid === 1 ? '' : 's'}`];
  const verdictLine = invalid > 0 ? 'INVALID' : outcomes.every((x) => x.result?.passed) ? 'PASSED' : 'FAILED';
  return `${table.toString()}\n${counts.join(', ')} — ${info.wall.toFixed(1)} s wall on ${info.workers} worker${info.workers === 1 ? '' : 's'}\n` +
    `${verdictLine} — results in ${info.outDir}${info.junitPath ? `, JUnit in ${info.junitPath}` : ''}\n`;
}

/** JUnit suites: one per file; one case per expectation of each run; an invalid file or a crashed run is an error. */
export function batchSuites(plan: BatchPlan, outcomes: readonly RunOutcome[]): JUnitSuite[] {
  return plan.files.map((f): JUnitSuite => {
    if (f.invalid !== undefined) {
      return {
        name: f.suite, file: f.file, time: 0,
        cases: [{ classname: f.suite, name: 'load scenario', error: { type: 'InvalidScenario', message: `invalid scenario: ${f.invalid.split('\n')[0]}`, body: f.invalid } }],
      };
    }
    const cases: JUnitCase[] = [];
    let time = 0;
    for (const run of f.runs) {
      const x = outcomes[run.index];
      if (x.error) {
        cases.push({ classname: run.name, name: 'run', error: { type: 'RunError', message: x.error.message, body: x.error.stack ?? x.error.message } });
        continue;
      }
      const r = x.result;
      time += r.wall_s;
      for (const a of r.assertions) {
        cases.push({
          classname: run.name,
          name: a.name,
          failure: a.passed ? undefined : {
            type: 'ExpectationFailed',
            message: `${a.name} = ${a.value}, expected ${limitText(a)}`,
            body: `value: ${a.value}\nlimit: ${limitText(a)}\nscenario: ${f.file} (${run.name}), seed ${r.seed}\nfinal state hash: ${r.final_state_hash}`,
          },
        });
      }
    }
    return { name: f.suite, file: f.file, time, cases };
  });
}
