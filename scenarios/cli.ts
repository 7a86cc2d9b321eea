// The `steadysim` command line.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { loadScenarioFile, ScenarioError } from './loader.ts';
import { runScenario, type RunResult } from './runner.ts';

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;

function seedArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code = EXIT_PASSED;
  const program = new Command()
    .name('steadysim')
    .description('SteadySim: control simulator for surgical robots (dVRK-style PSM) with tremor compensation and motion scaling.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('run a scenario headless; exit 0 when every expectation holds, 1 when one fails, 2 when the file is invalid')
    .argument('<scenario>', 'scenario file (.yaml)')
    .option('-o, --out <dir>', 'folder for result.json (default: out/<scenario name>)')
    .option('-s, --seed <n>', 'override the scenario seed', seedArg)
    .option('--json', 'print result.json to stdout instead of the summary table')
    .option('-q, --quiet', 'no progress line')
    .action(async (file: string, o: { out?: string; seed?: number; json?: boolean; quiet?: boolean }) => {
      code = await runCommand(file, o);
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_INVALID;
    throw e;
  }
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_INVALID;
  }
  return code;
}

async function runCommand(file: string, o: { out?: string; seed?: number; json?: boolean; quiet?: boolean }): Promise<number> {
  let loaded;
  try {
    loaded = loadScenarioFile(file);
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(`invalid scenario:\n${e.message}\n`);
      return EXIT_INVALID;
    }
    throw e;
  }
  const s = loaded.scenario;
  const showProgress = !o.quiet && !o.json && process.stderr.isTTY;
  let result: RunResult;
  try {
    result = await runScenario(s, {
      seed: o.seed,
      onProgress: showProgress ? (f) => process.stderr.write(`\r${s.name}: ${Math.round(f * 100)}% of ${s.duration} s simulated`) : undefined,
    });
  } catch (e) {
    if (showProgress) process.stderr.write('\n');
    process.stderr.write(`invalid scenario:\n${file}: ${(e as Error).message}\n`);
    return EXIT_INVALID;
  }
  if (showProgress) process.stderr.write('\r\x1b[K');
  const outDir = resolve(o.out ?? join('out', s.name));
  mkdirSync(outDir, { recursive: true });
  const json = JSON.stringify(result, null, 2);
  writeFileSync(join(outDir, 'result.json'), json + '\n');
  if (o.json) process.stdout.write(json + '\n');
  else process.stdout.write(summary(result, join(outDir, 'result.json')));
  return result.passed ? EXIT_PASSED : EXIT_FAILED;
}

export function summary(r: RunResult, path: string): string {
  const head = `${r.scenario}  seed ${r.seed}  ${r.duration} s in ${r.ticks} ticks of ${r.dt * 1000} ms  ` +
    `wall ${r.wall_s.toFixed(2)} s  (${r.realtime_factor.toFixed(1)}× real time)\n`;
  const metrics = new Table({ head: ['metric', 'value'], style: { head: [], border: [] } });
  for (const [k, v] of Object.entries(r.metrics)) metrics.push([k, String(v)]);
  const checks = new Table({ head: ['expectation', 'value', 'limit', 'result'], style: { head: [], border: [] } });
  for (const a of r.assertions) {
    const lim = [a.limit.min !== undefined ? `≥ ${a.limit.min}` : '', a.limit.max !== undefined ? `≤ ${a.limit.max}` : ''].filter(Boolean).join(', ');
    checks.push([a.name, String(a.value), lim, a.passed ? 'pass' : 'FAIL']);
  }
  const kinds = new Map<string, number>();
  for (const e of r.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const ev = [...kinds].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none';
  const verdict = r.assertions.length === 0 ? 'no expectations' : r.passed ? 'PASSED' : 'FAILED';
  return `${head}${metrics.toString()}\n${r.assertions.length ? checks.toString() + '\n' : ''}events: ${ev}\n` +
    `final state hash ${r.final_state_hash}\n${verdict} — ${path}\n`;
}
