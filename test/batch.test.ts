// `steadysim batch` as a user runs it: files from folders and globs, worker threads, exit codes, result.json
// per run, the JUnit report, and the same results whatever the number of workers.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchSuites, batchSummary, collectScenarioFiles, planBatch, runBatch, safeName, type BatchPlan, type PlannedRun } from '../scenarios/batch.ts';
import { escapeXml, junitXml } from '../scenarios/junit.ts';
import { batchWorkerEntry, bundleCacheDir, bundleUpToDate } from '../scenarios/batch-worker-bundle.ts';
import { readRecording } from '../scenarios/recording/reader.ts';
import pkg from '../package.json' with { type: 'json' };
import type { ScenarioRobot } from '../scenarios/schema.ts';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/steadysim.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'steadysim-batch-'));

/** watchdog-dropout, shortened to 2.5 s simulated: passes. */
const PASSING = readFileSync('scenarios/watchdog-dropout.yaml', 'utf8')
  .replace('name: watchdog-dropout', 'name: dropout-short')
  .replace('duration: 5', 'duration: 2.5')
  .replace('{ t: 4, p: [0.05, 0.02, 0] }', '{ t: 2, p: [0.05, 0.02, 0] }')
  .replace('{ t: 1.5, kind: input_dropout', '{ t: 1.0, kind: input_dropout')
  .replace('{ t: 2.0, kind: enable', '{ t: 1.5, kind: enable');

/** tremor-none, 1.5 s, with an RCM limit no arm meets (fails) beside one that holds; a name that needs escaping. */
const FAILING = readFileSync('scenarios/tremor-none.yaml', 'utf8')
  .replace('name: tremor-none', 'name: "fail <&> \\"quoted\\"/x"')
  .replace('duration: 6', 'duration: 1.5')
  .replace(/expect:[\s\S]*$/, 'expect:\n  - { metric: psm1.rcm_error_max_mm, max: 0.0000001 }\n  - { event: safe_state, count_max: 0 }\n');

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Counts of elements in a JUnit report, after checking that its tags nest properly. */
function parseJUnit(xml: string) {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const stack: string[] = [];
  for (const m of xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, close, tag, , selfClose] = m;
    if (close) expect(stack.pop()).toBe(tag);
    else if (!selfClose) stack.push(tag);
  }
  expect(stack).toEqual([]);
  // Nothing left that looks like markup once the tags are gone: every <, > and & in text is escaped.
  expect(xml.replace(/^<\?xml[^>]*\?>/, '').replace(/<\/?[A-Za-z-]+(?:\s+[a-z-]+="[^"<>]*")*\s*\/?>/g, '')).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  const attr = (el: string, name: string) => el.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
  const suites = [...xml.matchAll(/<testsuite\s[^>]*>/g)].map((m) => m[0]);
  const cases = [...xml.matchAll(/<testcase\s[^>]*>/g)].map((m) => m[0]);
  return {
    suites, cases, attr,
    failures: [...xml.matchAll(/<failure\s[^>]*>/g)].map((m) => m[0]),
    errors: [...xml.matchAll(/<error\s[^>]*>/g)].map((m) => m[0]),
  };
}

function results(out: string, runs: string[]) {
  return runs.map((r) => JSON.parse(readFileSync(join(out, r, 'result.json'), 'utf8')) as { scenario: string; passed: boolean; final_state_hash: string; hashes: unknown[]; metrics: unknown; events: unknown[] });
}

describe('steadysim batch', () => {
  const lib = join(dir, 'lib');
  write(join(lib, 'a', 'pass.yaml'), PASSING);
  write(join(lib, 'b', 'fail.yml'), FAILING);
  write(join(lib, 'notes.txt'), 'not a scenario');
  const runNames = ['dropout-short', safeName('fail <&> "quoted"/x')];

  it('runs a folder on 2 workers: exit 1, result.json per run, a JUnit report with a failure', () => {
    const out = join(dir, 'out2');
    const junit = join(out, 'report', 'junit.xml');
    const r = cli('batch', lib, '--workers', '2', '--out', out, '--junit', junit);
    expect(r.code).toBe(1);
    // Not a TTY: one plain line per finished run.
    expect(r.err).toMatch(/^\[1\/2\] (PASS|FAIL) /m);
    expect(r.err).toMatch(/^\[2\/2\] (PASS|FAIL) /m);
    expect(r.err).toMatch(/PASS dropout-short \(2\.5 s sim, [\d.]+ s wall\)/);
    expect(r.out).toMatch(/dropout-short\s+│ PASS/);
    expect(r.out).toMatch(/FAIL\s+│ 1\.5 s.*psm1\.rcm_error_max_mm = [\d.e-]+ \(≤ 1e-7\)/);
    expect(r.out).toMatch(/2 runs from 2 files, 1 passed, 1 failed, 0 errors, 0 invalid files/);
    const [pass, fail] = results(out, runNames);
    expect(pass).toMatchObject({ scenario: 'dropout-short', passed: true });
    expect(fail).toMatchObject({ scenario: 'fail <&> "quoted"/x', passed: false });

    const x = parseJUnit(readFileSync(junit, 'utf8'));
    expect(x.suites).toHaveLength(2);
    expect(x.cases).toHaveLength(3 + 2); // one per expectation
    expect(x.suites.map((s) => x.attr(s, 'name'))).toEqual(['dropout-short', 'fail &lt;&amp;&gt; &quot;quoted&quot;/x']);
    expect(x.suites.map((s) => [x.attr(s, 'tests'), x.attr(s, 'failures'), x.attr(s, 'errors')])).toEqual([['3', '0', '0'], ['2', '1', '0']]);
    expect(x.suites.every((s) => Number(x.attr(s, 'time')) > 0)).toBe(true);
    expect(x.failures).toHaveLength(1);
    expect(x.failures[0]).toMatch(/message="psm1\.rcm_error_max_mm = [\d.e-]+, expected ≤ 1e-7"/);
    expect(x.errors).toHaveLength(0);
    expect(x.cases.filter((c) => x.attr(c, 'classname') === 'dropout-short').map((c) => x.attr(c, 'name'))).toEqual(['events.watchdog', 'events.safe_state', 'psm1.rcm_error_max_mm']);
  });

  it('gives the same results on 1 worker as on 2 (determinism across threads)', () => {
    const out = join(dir, 'out1');
    const r = cli('batch', lib, '--workers', '1', '--out', out, '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const one = results(out, runNames), two = results(join(dir, 'out2'), runNames);
    for (let i = 0; i < runNames.length; i++) {
      expect(one[i].final_state_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(one[i].final_state_hash).toBe(two[i].final_state_hash);
      expect(one[i].hashes).toEqual(two[i].hashes);
      expect(one[i].metrics).toEqual(two[i].metrics);
      expect(one[i].events).toEqual(two[i].events);
    }
  });

  it('reports an invalid file (exit 2, an <error> in JUnit) and still runs the others', () => {
    const folder = join(dir, 'with-invalid');
    write(join(folder, 'pass.yaml'), PASSING);
    const bad = write(join(folder, 'bad.yaml'), PASSING.replace('name: dropout-short', 'name: broken').replace('duration: 2.5', 'duration: "five"'));
    const out = join(dir, 'out-invalid');
    const junit = join(out, 'junit.xml');
    const r = cli('batch', folder, '--out', out, '--junit', junit);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}:`);
    expect(r.err).toMatch(/duration: expected number, got "five"/);
    expect(r.out).toMatch(/bad\.yaml\s+│ INVALID/);
    expect(existsSync(join(out, 'dropout-short', 'result.json'))).toBe(true);
    const x = parseJUnit(readFileSync(junit, 'utf8'));
    expect(x.suites.map((s) => x.attr(s, 'name'))).toEqual(['broken', 'dropout-short']);
    expect(x.errors).toHaveLength(1);
    expect(x.errors[0]).toMatch(/duration: expected number/);
    expect(x.attr(x.suites[0], 'errors')).toBe('1');
  });

  it('reports a run that throws as an error and goes on', async () => {
    // The schema rejects what would make a run throw, so the broken variant is made after validation.
    const file = write(join(dir, 'crash', 'pass.yaml'), PASSING);
    const plan = planBatch([file]);
    const ok = plan.runs[0];
    const crash: PlannedRun = {
      ...ok, index: 1, name: 'crash', dir: 'crash',
      scenario: { ...ok.scenario, robots: [{ ...(ok.scenario.robots[0] as ScenarioRobot), type: 'no-such-arm' as 'psm' }] },
    };
    const broken: BatchPlan = { files: [{ ...plan.files[0], runs: [ok, crash] }], runs: [ok, crash] };
    const seen: string[] = [];
    const outcomes = await runBatch(broken.runs, { workers: 1, onDone: (run, x) => seen.push(`${run.name}:${x.error ? 'error' : 'done'}`) });
    expect(seen.sort()).toEqual(['crash:error', 'dropout-short:done']);
    expect(outcomes[0].result?.passed).toBe(true);
    expect(outcomes[1].error?.message).toBeTruthy();
    const summary = batchSummary(broken, outcomes, { wall: 1, workers: 1, outDir: 'out' });
    expect(summary).toMatch(/crash\s+│ ERROR/);
    expect(summary).toMatch(/1 passed, 0 failed, 1 errors/);
    const x = parseJUnit(junitXml(batchSuites(broken, outcomes)));
    expect(x.errors).toHaveLength(1);
    expect(x.cases.filter((c) => x.attr(c, 'classname') === 'crash').map((c) => x.attr(c, 'name'))).toEqual(['run']);
    expect(x.attr(x.suites[0], 'errors')).toBe('1');
  });

  it('--record writes run.mcap beside each result.json', () => {
    const out = join(dir, 'out-record');
    const r = cli('batch', join(lib, 'a', '*.yaml'), '--out', out, '--record', '--quiet');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'dropout-short', 'result.json'))).toBe(true);
    const mcap = readFileSync(join(out, 'dropout-short', 'run.mcap'));
    expect(mcap.subarray(0, 8).toString('latin1')).toBe('\x89MCAP0\r\n');
    // The worker runs from a bundle in a cache folder: what it read beside its sources must still be right.
    const rec = readRecording(join(out, 'dropout-short', 'run.mcap'));
    expect(rec.complete).toBe(true);
    expect(rec.meta.steadysim_version).toBe(pkg.version);
  });

  it('starts its workers from a bundle that goes stale when a source changes, or from tsx on request', async () => {
    const entry = await batchWorkerEntry();
    expect(fileURLToPath(entry).startsWith(bundleCacheDir())).toBe(true);
    const manifest = JSON.parse(readFileSync(join(bundleCacheDir(), 'batch-worker.json'), 'utf8')) as { inputs: [string, number, number][] };
    const inputs = manifest.inputs.map((i) => i[0]);
    expect(inputs).toContain('scenarios/batch-worker.ts');
    expect(inputs).toContain('controller/loop.ts');
    // A source touched since the build makes a bundle stale (checked on a manifest of our own: the real one
    // may be rebuilt by batches other tests start meanwhile).
    const { version } = await import('esbuild');
    const src = join(dir, 'source.ts');
    writeFileSync(src, 'export {};\n');
    const st = statSync(src);
    const manifest2 = join(dir, 'manifest.json');
    writeFileSync(manifest2, JSON.stringify({ esbuild: version, node: process.version, inputs: [[relative(process.cwd(), src), st.size, st.mtimeMs]] }));
    expect(bundleUpToDate(version, manifest2)).toBe(true);
    expect(bundleUpToDate('0.0.0', manifest2)).toBe(false);
    utimesSync(src, st.atime, new Date(st.mtimeMs + 1000));
    expect(bundleUpToDate(version, manifest2)).toBe(false);
    // The tsx fallback runs the same worker.
    const r = spawnSync(process.execPath, ['bin/steadysim.js', 'batch', join(lib, 'a', '*.yaml'), '--quiet'], {
      env: { ...process.env, STEADYSIM_BATCH_TSX: '1' }, encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
  });

  it('runs every variant of a matrix file, each under its own name', () => {
    const file = write(join(dir, 'matrix', 'sweep.yaml'), PASSING.replace('name: dropout-short', 'name: sweep').replace('expect:', 'matrix:\n  controller.psm1.scale: [0.1, 0.3]\nexpect:'));
    const out = join(dir, 'out-matrix');
    const r = cli('batch', file, '--out', out, '--junit', join(out, 'junit.xml'), '--quiet');
    expect(r.code).toBe(0);
    const x = parseJUnit(readFileSync(join(out, 'junit.xml'), 'utf8'));
    expect(x.suites.map((s) => x.attr(s, 'name'))).toEqual(['sweep']);
    const classnames = [...new Set(x.cases.map((c) => x.attr(c, 'classname')))];
    expect(classnames).toHaveLength(2);
    expect(x.cases).toHaveLength(2 * 3);
    for (const c of classnames) expect(existsSync(join(out, safeName(c ?? ''), 'result.json'))).toBe(true);
  });

  it('exits 2 when a glob or path matches nothing', () => {
    const r = cli('batch', join(dir, 'nowhere', '*.yaml'), '--out', join(dir, 'out-none'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no scenario files match .*nowhere/);
    expect(cli('batch', join(dir, 'missing.yaml')).code).toBe(2);
  });
});

describe('batch helpers', () => {
  it('collects files from files, folders and globs: yaml only, sorted, each once', async () => {
    const root = join(dir, 'collect');
    for (const f of ['z.yaml', 'a.yml', 'sub/m.yaml', 'sub/deeper/k.YAML', 'sub/x.json']) write(join(root, f), 'name: x\n');
    const c = await collectScenarioFiles(['sub', '*.y*ml', 'z.yaml', 'sub/x.json', 'nothing-*.yaml'], root);
    expect(c.files).toEqual(['a.yml', 'sub/deeper/k.YAML', 'sub/m.yaml', 'sub/x.json', 'z.yaml']);
    expect(c.unmatched).toEqual(['nothing-*.yaml']);
    const d = await collectScenarioFiles(['.', '!sub/deeper', '!z.yaml', '!*.json'], root);
    expect(d.files).toEqual(['a.yml', 'sub/m.yaml']);
    expect((await collectScenarioFiles(['z.yaml', '!*.yaml'], root)).unmatched).toEqual(['z.yaml']);
  });

  it('makes run names safe folder names', () => {
    expect(safeName('tremor-lowpass')).toBe('tremor-lowpass');
    expect(safeName('a/b\\c: d*?')).toBe('a_b_c_d');
    expect(safeName('..')).toBe('run');
    expect(safeName('scale-sweep[scale=0.1,tremor_filter=lowpass]')).toBe('scale-sweep_scale=0.1_tremor_filter=lowpass');
    expect(safeName('con')).toBe('_con');
    expect(safeName('')).toBe('run');
  });

  it('escapes XML in attributes and text', () => {
    expect(escapeXml(`a<b>&"c'\n\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;&#10;');
    const xml = junitXml([{ name: 's<1>', time: 1.5, cases: [{ classname: 'c&d', name: 'n', failure: { type: 'T', message: 'm"', body: 'x < y\nz' } }] }]);
    expect(xml).toContain('<testsuite name="s&lt;1&gt;" id="0" tests="1" failures="1" errors="0" skipped="0" time="1.500">');
    expect(xml).toContain('<failure message="m&quot;" type="T">x &lt; y\nz</failure>');
  });
});
