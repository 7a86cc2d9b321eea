// The batch runner's scaling: the scenario library (scenarios/*.yaml) through `runBatch` on 1 and on 2 worker
// threads. Wall time of the whole batch, worker start-up (tsx, Rapier) included; best of TRIALS, interleaved (the
// machine's speed moves by more than the target's margin within minutes; the best of each is its capability).
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { collectScenarioFiles, planBatch, runBatch } from '../scenarios/batch.ts';
import { round } from '../scenarios/round.ts';

export interface BatchRow {
  /** What was run. */
  scenarios: string;
  runs: number;
  simulated_s: number;
  trials: number;
  cpus: number;
  workers_1_s: number;
  workers_2_s: number;
  speedup: number;
  /** Every run passed in every trial. */
  all_passed: boolean;
  /** Library files left out because they do not validate. */
  invalid_files: string[];
  /** The machine's 1-minute load average before and after: above ~0 the two workers share the cores with others. */
  load_before: number;
  load_after: number;
}

const TRIALS = 3;

export async function batchBench(): Promise<BatchRow> {
  const lib = fileURLToPath(new URL('../scenarios/', import.meta.url));
  // The QA library: live-*.yaml are scenes for the live server (ten minutes and more headless), not QA runs.
  const { files } = await collectScenarioFiles(['*.yaml', '!live-*.yaml'], lib);
  const plan = planBatch(files.map((f) => lib + f));
  // A file that does not validate (work in progress in the library) is left out and named, not fatal.
  const invalid = plan.files.filter((f) => f.invalid !== undefined).map((f) => f.file);
  const loadBefore = loadavg()[0];
  let allPassed = true;
  const time = async (workers: number): Promise<number> => {
    const t0 = performance.now();
    const out = await runBatch(plan.runs, { workers });
    const s = (performance.now() - t0) / 1000;
    allPassed &&= out.every((x) => x.result?.passed);
    return s;
  };
  const one: number[] = [], two: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    one.push(await time(1));
    two.push(await time(2));
  }
  const w1 = Math.min(...one), w2 = Math.min(...two);
  return {
    scenarios: 'scenarios/*.yaml except live-*.yaml',
    runs: plan.runs.length,
    simulated_s: plan.runs.reduce((t, r) => t + r.scenario.duration, 0),
    trials: TRIALS,
    cpus: availableParallelism(),
    workers_1_s: round(w1, 2),
    workers_2_s: round(w2, 2),
    speedup: round(w1 / w2, 2),
    all_passed: allPassed,
    invalid_files: invalid,
    load_before: round(loadBefore, 2),
    load_after: round(loadavg()[0], 2),
  };
}
