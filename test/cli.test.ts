// The real CLI as a user runs it: exit codes, the summary, result.json, and clear errors for bad files.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/steadysim.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'steadysim-cli-'));

describe('steadysim run', () => {
  it('runs a library scenario, prints the summary, writes result.json and exits 0', () => {
    const out = join(dir, 'ok');
    const r = cli('run', 'scenarios/watchdog-dropout.yaml', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/watchdog-dropout/);
    expect(r.out).toMatch(/PASSED/);
    const res = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    for (const k of ['scenario', 'seed', 'passed', 'ticks', 'dt', 'wall_s', 'realtime_factor', 'metrics', 'assertions', 'events', 'final_state_hash']) {
      expect(res).toHaveProperty(k);
    }
    expect(res.ticks).toBe(5000);
    expect(res.events.find((e: { kind: string }) => e.kind === 'watchdog')).toMatchObject({ robot: 'psm1', tick: expect.any(Number), t: expect.any(Number), detail: expect.any(String) });
    for (const a of res.assertions) expect(a).toMatchObject({ passed: true, value: expect.any(Number), limit: expect.any(Object) });
  });

  it('exits 1 when an expectation fails, and says which', () => {
    const file = join(dir, 'fail.yaml');
    writeFileSync(file, readFileSync('scenarios/watchdog-dropout.yaml', 'utf8').replace('count_min: 1, count_max: 1 }', 'count_min: 5 }'));
    const r = cli('run', file, '--out', join(dir, 'fail'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/events\.watchdog.*FAIL/);
    expect(r.out).toMatch(/FAILED/);
  });

  it('--seed overrides the seed and --json prints the result', () => {
    const r = cli('run', 'scenarios/watchdog-dropout.yaml', '--seed', '99', '--json', '--out', join(dir, 'seed'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).seed).toBe(99);
  });

  it.each([
    ['a wrong type', 'duration: 5', 'duration: "five"', /duration: expected number, got "five"/],
    ['an unknown field', 'seed: 5', 'sead: 5', /unknown field 'sead'/],
    ['a bad filter kind', 'psm1: { scale: 0.2 }', 'psm1: { scale: 0.2, tremor_filter: { type: kalman } }', /controller\.psm1\.tremor_filter\.type: expected one of "none", "lowpass", "adaptive", got "kalman"/],
    ['a negative cutoff', 'psm1: { scale: 0.2 }', 'psm1: { scale: 0.2, tremor_filter: { type: lowpass, cutoff_hz: -6 } }', /tremor_filter\.cutoff_hz: expected number to be >0, got -6/],
    ['a duplicate key', 'seed: 5', 'seed: 5\nseed: 6', /YAML syntax: Map keys must be unique/],
    ['a missing field', '  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }', '  - { id: psm1, type: psm }', /robots\[0\]\.rcm: missing/],
    ['an unknown metric', 'psm1.rcm_error_max_mm', 'psm1.rcm_eror_max_mm', /expect\[2\]\.metric: unknown metric 'rcm_eror_max_mm'/],
    ['an event for a robot that does not exist', 'robot: psm1, duration', 'robot: psm9, duration', /events\[0\]\.robot: no robot 'psm9'/],
    ['YAML syntax', 'duration: 5', 'duration: [5', /YAML syntax/],
  ])('exits 2 for %s, naming the file, line and field', (_what, from, to, message) => {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    const text = readFileSync('scenarios/watchdog-dropout.yaml', 'utf8');
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
    const r = cli('run', file, '--out', join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(file);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`));
  });

  it('exits 2 for a file that does not exist', () => {
    const r = cli('run', join(dir, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read the file/);
  });
});
