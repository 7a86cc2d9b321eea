// Mistakes in scenario files, through the real CLI (`main`, as bin/steadysim.js calls it): every one exits 2
// before anything runs, naming the file, the line, the field path and what was expected.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../scenarios/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'steadysim-invalid-'));

const GOOD = `name: good
seed: 1
duration: 2
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
controller:
  psm1: { scale: 0.2 }
input:
  psm1:
    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 1, p: [0.02, 0, 0] }
events:
  - { t: 0.5, kind: input_dropout, robot: psm1, duration: 0.01 }
expect:
  - { metric: psm1.rcm_error_max_mm, max: 0.5 }
`;

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

let n = 0;
/** Writes a scenario (and any side files) into its own folder and runs it; returns the exit code. */
async function run(text: string, files: Record<string, string> = {}): Promise<{ code: number; file: string }> {
  const folder = join(dir, `case-${n++}`);
  mkdirSync(folder);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(folder, name), body);
  const file = join(folder, 'scenario.yaml');
  writeFileSync(file, text);
  const code = await main(['run', file, '--out', join(folder, 'out'), '--quiet']);
  return { code, file };
}

/** GOOD with `from` replaced by `to` (which must be there). */
function edit(from: string, to: string): string {
  expect(GOOD).toContain(from);
  return GOOD.replace(from, to);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('invalid scenario files exit 2 with the file, line, field path and what was expected', () => {
  it('the good file runs (exit 0), so each case below fails for its own mistake', async () => {
    const { code } = await run(GOOD);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.each<[string, () => [string, Record<string, string>?], number, string, RegExp]>([
    ['a typo\'d field', () => [edit('{ scale: 0.2 }', '{ scael: 0.2 }')], 7, 'controller.psm1', /unknown field 'scael' \(a typo\?\)/],
    ['a wrong type', () => [edit('duration: 2', 'duration: two')], 3, 'duration', /expected number, got "two"/],
    ['a negative duration', () => [edit('duration: 0.01 }', 'duration: -0.01 }')], 14, 'events[0].duration', /expected number to be >0, got -0\.01/],
    ['an unknown robot in events', () => [edit('robot: psm1, duration', 'robot: psm2, duration')], 14, 'events[0].robot', /no robot 'psm2' in robots/],
    ['an unknown metric', () => [edit('psm1.rcm_error_max_mm', 'psm1.rcm_err_mm')], 16, 'expect[0].metric', /unknown metric 'rcm_err_mm'; expected one of .*targets_reached/],
    ['a bad tremor filter type', () => [edit('{ scale: 0.2 }', '{ tremor_filter: { type: kalman } }')], 7, 'controller.psm1.tremor_filter.type', /expected one of "none", "lowpass", "adaptive", got "kalman"/],
    ['a non-unit quaternion', () => [edit('rcm: [0, 0, 0.15] }', 'rcm: [0, 0, 0.15], orientation: [0, 0, 0, 2] }')], 5, 'robots[0].orientation', /expected a unit quaternion \[x, y, z, w\], got \[0,0,0,2\]/],
    ['waypoints out of order', () => [edit('{ t: 1, p: [0.02, 0, 0] }', '{ t: 0, p: [0.02, 0, 0] }')], 12, 'input.psm1.script[1].t', /t = 0 is not after the previous waypoint's t = 0: waypoints in strictly increasing time/],
    ['a bad matrix path', () => [`${GOOD}matrix:\n  controller.psm1.scal: [0.1, 0.2]\n`], 18, 'matrix["controller.psm1.scal"]', /no field 'scal' in controller\.psm1; expected one of scale/],
    ['a matrix value wrong in one variant', () => [`${GOOD}matrix:\n  controller.psm1.scale: [0.1, 20]\n`], 18, 'variant good[scale=20]: controller.psm1.scale', /expected number to be <=10, got 20/],
    ['a missing input file', () => [edit('    script:\n      - { t: 0, p: [0, 0, 0] }\n      - { t: 1, p: [0.02, 0, 0] }', '    file: hand.csv')], 10, 'input.psm1.file', /hand\.csv: cannot read the input file/],
    ['a bad CSV', () => [edit('    script:\n      - { t: 0, p: [0, 0, 0] }\n      - { t: 1, p: [0.02, 0, 0] }', '    file: hand.csv'), { 'hand.csv': 't,x,y,z\n0,0,0,0\n0.5,oops,0,0\n' }], 10, 'input.psm1.file', /hand\.csv:3: x: expected a finite number, got "oops"/],
    ['a CSV without a needed column', () => [edit('    script:\n      - { t: 0, p: [0, 0, 0] }\n      - { t: 1, p: [0.02, 0, 0] }', '    file: hand.csv'), { 'hand.csv': 't,x,y\n0,0,0\n' }], 10, 'input.psm1.file', /hand\.csv:1: missing column 'z'/],
    ['times in a JSON lines file not increasing', () => [edit('    script:\n      - { t: 0, p: [0, 0, 0] }\n      - { t: 1, p: [0.02, 0, 0] }', '    file: hand.jsonl'), { 'hand.jsonl': '{"t":0,"x":0,"y":0,"z":0}\n{"t":0,"x":0,"y":0,"z":0}\n' }], 10, 'input.psm1.file', /hand\.jsonl:2: t = 0 is not after/],
    ['an event after the end', () => [edit('{ t: 0.5, kind: input_dropout', '{ t: 9, kind: input_dropout')], 14, 'events[0].t', /event at 9 s is after the end of the run \(2 s\)/],
    ['a drifting tremor without its period', () => [edit('      - { t: 1, p: [0.02, 0, 0] }', '      - { t: 1, p: [0.02, 0, 0] }\n    tremor: { frequency_hz: [8, 11], amplitude_mm: 0.3 }')], 13, 'input.psm1.tremor.drift_period_s', /missing: expected drift_period_s/],
    ['a locked motor given an effort scale', () => [edit('kind: input_dropout, robot: psm1, duration: 0.01', 'kind: motor_fault, robot: psm1, joint: outer_yaw, mode: locked, effort_scale: 0.5')], 14, 'events[0].effort_scale', /a locked joint has no effort_scale/],
    ['a motor fault on a joint the robot does not have', () => [edit('kind: input_dropout, robot: psm1, duration: 0.01', 'kind: motor_fault, robot: psm1, joint: elbow, effort_scale: 0.5')], 14, 'events[0].joint', /robot 'psm1' has no joint 'elbow'; expected one of outer_yaw/],
    ['a fault kind that does not exist', () => [edit('kind: input_dropout', 'kind: input_delay')], 14, 'events[0].kind', /expected one of .*"input_latency", "packet_loss", "sensor_noise", "set", got "input_delay"/],
    ['a packet loss probability over 1', () => [edit('kind: input_dropout, robot: psm1, duration: 0.01', 'kind: packet_loss, robot: psm1, duration: 1, probability: 1.5')], 14, 'events[0].probability', /expected number to be <=1, got 1\.5/],
    ['a set with nothing to set', () => [edit('kind: input_dropout, robot: psm1, duration: 0.01', 'kind: set, robot: psm1')], 14, 'events[0]', /expected a set event with scale and\/or tremor_filter \(an arm\), or controller and\/or guidance \(an exoskeleton\)/],
    ['an exoskeleton\'s setting given to an arm', () => [edit('kind: input_dropout, robot: psm1, duration: 0.01', 'kind: set, robot: psm1, guidance: 0.5')], 14, 'events[0].guidance', /robot 'psm1' is an arm: set takes scale and tremor_filter/],
    ['a time window the wrong way round', () => [edit('{ metric: psm1.rcm_error_max_mm, max: 0.5 }', '{ event: estop, within: [2, 1] }')], 16, 'expect[0].within', /expected a time window \[from, to\] with from ≤ to/],
    ['none with a count', () => [edit('{ metric: psm1.rcm_error_max_mm, max: 0.5 }', '{ event: estop, none: true, count_max: 1 }')], 16, 'expect[0].none', /none: true stands alone/],
    ['a final tip of an unknown robot', () => [edit('{ metric: psm1.rcm_error_max_mm, max: 0.5 }', '{ final_tip: psm3, position: [0, 0, 0], tolerance_mm: 1 }')], 16, 'expect[0].final_tip', /no robot 'psm3' in robots/],
    ['a final tip without a tolerance', () => [edit('{ metric: psm1.rcm_error_max_mm, max: 0.5 }', '{ final_tip: psm1, position: [0, 0, 0] }')], 16, 'expect[0].tolerance_mm', /missing: expected number/],
    ['a target with a negative radius', () => [`${GOOD}targets:\n  - { id: a, position: [0, 0, 0], radius: -1 }\n`], 18, 'targets[0].radius', /expected number to be >0, got -1/],
  ])('%s', async (_what, make, line, path, message) => {
    const [text, files] = make();
    const { code, file } = await run(text, files);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^invalid scenario:\n/);
    expect(stderr).toContain(`${file}:${line}: ${path}: `);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(new RegExp(`${escape(file)}:${line}: ${escape(path)}: .*${message.source}`));
  });
});
