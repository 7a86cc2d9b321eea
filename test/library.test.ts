// Every scenario in the library passes its own expectations, through the same runner the CLI uses.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { loadScenarioFile } from '../scenarios/loader.ts';
import { runScenario } from '../scenarios/runner.ts';

const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();

describe('scenario library', () => {
  it('has the scenarios the core promises', () => {
    for (const name of ['reach-targets', 'tremor-none', 'tremor-lowpass', 'tremor-adaptive', 'clutch-reposition', 'watchdog-dropout', 'estop']) {
      expect(files).toContain(`${name}.yaml`);
    }
  });

  it.each(files)('%s passes', async (file) => {
    const { scenario } = loadScenarioFile(`scenarios/${file}`);
    expect(scenario.expect.length).toBeGreaterThan(0);
    const r = await runScenario(scenario);
    const failed = r.assertions.filter((a) => !a.passed);
    expect(failed, JSON.stringify(failed)).toEqual([]);
  });
});
