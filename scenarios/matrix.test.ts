// `matrix:` expands one file into several runs: the cartesian product in file order, named after the values,
// each with a YAML text that parses alone to the same scenario.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioVariants, parseScenario, parseScenarioVariants, ScenarioError } from './loader.ts';

const BASE = `name: sweep
duration: 2
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
  - { id: psm2, type: psm, rcm: [0.2, 0, 0.15] }
controller:
  psm1: { scale: 0.2 }
input:
  psm1:
    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 1, p: [0.02, 0, 0] }
events:
  - { t: 0.5, kind: estop }
`;

function problems(text: string): ScenarioError {
  try {
    parseScenarioVariants(text, 'sweep.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('matrix', () => {
  it('expands into the cartesian product, in file order, named <name>[field=value,…]', () => {
    const runs = parseScenarioVariants(`${BASE}matrix:
  controller.psm1.scale: [0.1, 0.2, 0.5]
  "controller.psm1.tremor_filter": [{ type: none }, { type: adaptive }]
`, 'sweep.yaml');
    expect(runs.map((r) => r.scenario.name)).toEqual([
      'sweep[scale=0.1,tremor_filter=none]', 'sweep[scale=0.1,tremor_filter=adaptive]',
      'sweep[scale=0.2,tremor_filter=none]', 'sweep[scale=0.2,tremor_filter=adaptive]',
      'sweep[scale=0.5,tremor_filter=none]', 'sweep[scale=0.5,tremor_filter=adaptive]',
    ]);
    expect(runs.map((r) => r.scenario.controller.psm1.scale)).toEqual([0.1, 0.1, 0.2, 0.2, 0.5, 0.5]);
    expect(runs.map((r) => r.scenario.controller.psm1.tremor_filter.type)).toEqual(['none', 'adaptive', 'none', 'adaptive', 'none', 'adaptive']);
    expect(runs[3].variant).toEqual({ index: 3, count: 6, values: { 'controller.psm1.scale': 0.2, 'controller.psm1.tremor_filter': { type: 'adaptive' } } });
    // Nothing else changes.
    for (const r of runs) expect(r.scenario.events).toEqual([{ t: 0.5, kind: 'estop' }]);
  });

  it('each variant\'s text has no matrix and parses alone to the same scenario', () => {
    const runs = parseScenarioVariants(`${BASE}matrix:\n  controller.psm2.scale: [0.3, 0.4]\n  events.0.t: [0.25, 1]\n`, 'sweep.yaml');
    expect(runs).toHaveLength(4);
    for (const r of runs) {
      expect(r.text).not.toMatch(/matrix/);
      expect(parseScenario(r.text, 'sweep.yaml')).toEqual(r.scenario);
    }
    // A path into a block the file does not have creates it; a list index changes that entry.
    expect(runs[1].scenario.controller.psm2.scale).toBe(0.3);
    expect(runs[1].scenario.events[0].t).toBe(1);
    expect(runs[1].scenario.name).toBe('sweep[scale=0.3,t=1]');
  });

  it('names: the shortest distinct path ending when two paths end alike; short JSON when types do not tell values apart', () => {
    const runs = parseScenarioVariants(`${BASE}matrix:
  controller.psm1.scale: [0.1]
  controller.psm2.scale: [0.3]
  controller.psm1.tremor_filter: [{ type: lowpass, cutoff_hz: 4 }, { type: lowpass, cutoff_hz: 6 }]
`, 'sweep.yaml');
    expect(runs.map((r) => r.scenario.name)).toEqual([
      'sweep[psm1.scale=0.1,psm2.scale=0.3,tremor_filter={type:lowpass,cutoff_hz:4}]',
      'sweep[psm1.scale=0.1,psm2.scale=0.3,tremor_filter={type:lowpass,cutoff_hz:6}]',
    ]);
  });

  it('a value that is wrong in one variant is an error naming the variant, the field path and the line of the value', () => {
    const e = problems(`${BASE}matrix:\n  controller.psm1.scale: [0.1, 20]\n`);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ path: 'controller.psm1.scale', variant: 'sweep[scale=20]', line: 16 });
    expect(e.message).toBe('sweep.yaml:16: variant sweep[scale=20]: controller.psm1.scale: expected number to be <=10, got 20');
  });

  it('a mistake in every variant is reported once, without a variant name', () => {
    const e = problems(`${BASE.replace('duration: 2', 'duration: 2\nrate: 5')}matrix:\n  controller.psm1.scale: [0.1, 0.2]\n`);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ path: 'rate', line: 3 });
    expect(e.problems[0].variant).toBeUndefined();
  });

  it.each([
    ['a field the language does not have', 'controller.psm1.scal: [1]', /matrix\["controller\.psm1\.scal"\]: no field 'scal' in controller\.psm1; expected one of scale, tremor_filter/],
    ['a top-level field the language does not have', 'sead: [1, 2]', /matrix\["sead"\]: no field 'sead' in the scenario; expected one of name, description, seed/],
    ['a list entry the file does not have', 'events.3.t: [1]', /matrix\["events\.3\.t"\]: events has 1 entries, so there is no entry 3/],
    ['the name', 'name: [a, b]', /matrix\["name"\]: 'name' cannot vary/],
    ['an empty list of values', 'seed: []', /matrix\.seed: expected array to have >=1 items/],
    ['values that are not a list', 'seed: 3', /matrix\.seed: expected array, got 3/],
  ])('%s is an error', (_what, entry, message) => {
    const e = problems(`${BASE}matrix:\n  ${entry}\n`);
    expect(e.message).toMatch(message);
    expect(e.problems[0].line).toBe(16);
  });

  it('parseScenario refuses a matrix (it is several runs); a file without one is one run', () => {
    expect(() => parseScenario(`${BASE}matrix:\n  seed: [1, 2]\n`)).toThrow(/a matrix of 2 runs: load it with loadScenarioVariants/);
    const runs = parseScenarioVariants(BASE, 'sweep.yaml');
    expect(runs).toHaveLength(1);
    expect(runs[0].text).toBe(BASE);
    expect(runs[0].variant).toBeUndefined();
  });

  it('loadScenarioVariants reads the file; input files are found next to it in every variant', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadysim-matrix-'));
    writeFileSync(join(dir, 'hand.csv'), 't,x,y,z\n0,0,0,0\n1,0.01,0,0\n');
    writeFileSync(join(dir, 'sweep.yaml'), `${BASE.replace(/input:[\s\S]*?events:/, 'input:\n  psm1: { file: hand.csv }\nevents:')}matrix:\n  seed: [1, 2]\n`);
    const runs = loadScenarioVariants(join(dir, 'sweep.yaml'));
    expect(runs.map((r) => r.scenario.seed)).toEqual([1, 2]);
    for (const r of runs) expect(r.scenario.input.psm1.file).toBe(join(dir, 'hand.csv'));
  });
});
