// Every scenario in the library passes its own expectations (every run of a matrix), through the same runner the CLI uses.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { loadScenarioVariants } from '../scenarios/loader.ts';
import { runScenario } from '../scenarios/runner.ts';

// live-*.yaml are scenes for the live server (driven over the WebSocket, test/server-live.test.ts), not QA runs.
const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && !f.startsWith('live-')).sort();
const runs = files.flatMap((f) => loadScenarioVariants(`scenarios/${f}`).map((v) => [v.scenario.name, v] as const));

describe('scenario library', () => {
  it('has the scenarios the core promises', () => {
    for (const name of ['reach-targets', 'tremor-none', 'tremor-lowpass', 'tremor-adaptive', 'clutch-reposition', 'watchdog-dropout', 'estop']) {
      expect(files).toContain(`${name}.yaml`);
    }
  });

  it.each(runs)('%s passes', async (_name, { scenario }) => {
    expect(scenario.expect.length).toBeGreaterThan(0);
    const r = await runScenario(scenario);
    const failed = r.assertions.filter((a) => !a.passed);
    expect(failed, JSON.stringify(failed)).toEqual([]);
  });
});
