// Every scenario in the library passes its own expectations (every run of a matrix), run the way CI runs them:
// `steadysim batch` over the library on two worker threads, with a JUnit report and a result.json per run.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planBatch } from '../scenarios/batch.ts';
import type { RunResult } from '../scenarios/runner.ts';

// live-*.yaml are scenes for the live server (driven over the WebSocket, test/server-live.test.ts), not QA runs.
const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && !f.startsWith('live-')).sort();
const plan = planBatch(files.map((f) => `scenarios/${f}`));
const out = mkdtempSync(join(tmpdir(), 'steadysim-library-'));
let batch: { code: number | null; stdout: string; stderr: string };

beforeAll(() => {
  const r = spawnSync(process.execPath, ['bin/steadysim.js', 'batch', 'scenarios', '!scenarios/live-*.yaml', '--workers', '2', '--out', out, '--junit', join(out, 'junit.xml'), '--quiet'], { encoding: 'utf8' });
  batch = { code: r.status, stdout: r.stdout, stderr: r.stderr };
}, 600_000);

describe('scenario library through `steadysim batch`', () => {
  it('has the scenarios the core promises, every file valid', () => {
    for (const name of ['reach-targets', 'tremor-none', 'tremor-lowpass', 'tremor-adaptive', 'clutch-reposition', 'watchdog-dropout', 'estop']) {
      expect(files).toContain(`${name}.yaml`);
    }
    expect(plan.files.filter((f) => f.invalid !== undefined).map((f) => `${f.file}: ${f.invalid}`)).toEqual([]);
  });

  it('exits 0 and writes a JUnit report with a testsuite per scenario file', () => {
    expect(batch.code, batch.stderr + batch.stdout).toBe(0);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)?.length).toBe(plan.files.length);
    expect(junit).not.toMatch(/<failure|<error/);
  });

  it.each(plan.runs.map((r) => [r.name, r] as const))('%s passes', (_name, run) => {
    const result = JSON.parse(readFileSync(join(out, run.dir, 'result.json'), 'utf8')) as RunResult;
    expect(result.assertions.length).toBeGreaterThan(0);
    const failed = result.assertions.filter((a) => !a.passed);
    expect(failed, JSON.stringify(failed)).toEqual([]);
  });
});
