// The `steadysim` command line.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { loadScenarioVariants, ScenarioError, type LoadedScenario } from './loader.ts';
import { runScenario, type RunResult } from './runner.ts';
import { replayRecording, type ReplayOutcome } from './recording/replay.ts';
import { RecordingError } from './recording/reader.ts';
import { batchCommand, type BatchOptions } from './batch.ts';
import type { ServeCliOptions } from '../ui/server/serve-command.ts';

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
    .description('SteadySim: control simulator for surgical robots (dVRK-style PSM and ECM, with tremor compensation and motion scaling) and rehabilitation exoskeletons (a patient on a gait trainer).')
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
    .option('-r, --record <file>', 'record the run to an MCAP file (Foxglove opens it; `steadysim replay` re-runs it)')
    .option('--record-rate <hz>', 'joint states, commands and frames at this rate in the recording (default: every tick; inputs, events and hashes always complete)', positiveNumber)
    .action(async (file: string, o: RunCliOptions) => {
      code = await runCommand(file, o);
    });

  program
    .command('replay')
    .description('re-run a recording with its recorded input; with --verify exit 0 when it matches bit for bit, 1 naming the first tick that differs, 2 when the file is unreadable')
    .argument('<recording>', 'an MCAP file written by `run --record` or the live server')
    .option('--verify', 'compare every joint-state sample and hash checkpoint with the recording')
    .option('-o, --out <dir>', 'folder for the replay\'s result.json (default: out/replay-<scenario name>)')
    .option('-r, --record <file>', 'record the replay to another MCAP file')
    .option('--json', 'print the replay result (and verification) as JSON')
    .option('-q, --quiet', 'no progress line')
    .action(async (file: string, o: ReplayCliOptions) => {
      code = await replayCommand(file, o);
    });

  program
    .command('batch')
    .description('run many scenarios (files, folders, globs; every matrix variant) on worker threads; exit 0 when all pass, 1 when a run fails, 2 when a file is invalid or a pattern matches nothing')
    .argument('<patterns...>', 'scenario files, folders (every *.yaml / *.yml inside) or globs; !pattern leaves files out')
    .option('-w, --workers <n>', 'worker threads (default: min(available CPUs, runs))', (v: string) => {
      const n = seedArg(v);
      if (n < 1) throw new InvalidArgumentError('expected a positive integer');
      return n;
    })
    .option('--junit <file>', 'write a JUnit XML report')
    .option('-o, --out <dir>', 'folder for <run name>/result.json (default: out/batch)')
    .option('--record', 'record each run to <out>/<run name>/run.mcap')
    .option('-s, --seed <n>', 'override the seed of every scenario', seedArg)
    .option('-q, --quiet', 'no progress')
    .action(async (patterns: string[], o: BatchOptions) => {
      code = await batchCommand(patterns, o);
    });

  program
    .command('serve')
    .description('run the live simulator: the page over HTTP and the WebSocket protocol at /ws (ui/PROTOCOL.md), on the realtime clock, until Ctrl-C')
    .option('-p, --port <n>', 'TCP port (default: env PORT, else 8080; 0 picks a free one)', portArg)
    .option('--host <address>', 'address to listen on (default 127.0.0.1; beyond loopback, viewers need the token too)')
    .option('--scenario <file>', 'the scene (default scenarios/live-default.yaml)')
    .option('-r, --record <file>', 'record the session from its start to an MCAP file (`steadysim replay --verify` re-runs it)')
    .option('--record-dir <dir>', 'where the start_recording command writes (default out/recordings)')
    .option('--record-rate <hz>', 'joint states, commands and frames in recordings at this rate (default 100; inputs, events and hashes always complete)', positiveNumber)
    .option('--no-build', 'do not build the page (ui/app → ui/dist) when it is missing or stale')
    .option('-q, --quiet', 'no server log on stderr')
    .action(async (o: ServeCliOptions) => {
      // The server lives in ui/ (it may import everything); loaded only when serving.
      const { serveCommand } = await import('../ui/server/serve-command.ts');
      code = await serveCommand(o);
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

interface RunCliOptions { out?: string; seed?: number; json?: boolean; quiet?: boolean; record?: string; recordRate?: number }
interface ReplayCliOptions { out?: string; json?: boolean; quiet?: boolean; record?: string; verify?: boolean }

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0 … 65535)');
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

async function replayCommand(file: string, o: ReplayCliOptions): Promise<number> {
  const showProgress = !o.quiet && !o.json && process.stderr.isTTY;
  let outcome: ReplayOutcome;
  try {
    outcome = await replayRecording(file, {
      verify: o.verify,
      recordTo: o.record,
      onProgress: showProgress ? (f) => process.stderr.write(`\rreplay: ${Math.round(f * 100)}%`) : undefined,
    });
  } catch (e) {
    if (showProgress) process.stderr.write('\n');
    if (e instanceof RecordingError || e instanceof ScenarioError) {
      process.stderr.write(`cannot replay ${file}:\n${e.message}\n`);
      return EXIT_INVALID;
    }
    throw e;
  }
  if (showProgress) process.stderr.write('\r\x1b[K');
  const r = outcome.result;
  const outDir = resolve(o.out ?? join('out', `replay-${r.scenario}`));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'result.json'), JSON.stringify(r, null, 2) + '\n');
  if (o.json) process.stdout.write(JSON.stringify({ result: r, verify: outcome.verify }, null, 2) + '\n');
  else {
    process.stdout.write(summary(r, join(outDir, 'result.json')));
    if (outcome.verify) process.stdout.write(outcome.verify.message + '\n');
  }
  if (outcome.verify) return outcome.verify.ok ? EXIT_PASSED : EXIT_FAILED;
  return r.passed ? EXIT_PASSED : EXIT_FAILED;
}

async function runCommand(file: string, o: RunCliOptions, variant?: LoadedScenario): Promise<number> {
  let loaded = variant;
  if (!loaded) {
    let variants: LoadedScenario[];
    try {
      variants = loadScenarioVariants(file);
    } catch (e) {
      if (e instanceof ScenarioError) {
        process.stderr.write(`invalid scenario:\n${e.message}\n`);
        return EXIT_INVALID;
      }
      throw e;
    }
    if (variants.length > 1) return runVariants(file, o, variants);
    loaded = variants[0];
  }
  const s = loaded.scenario;
  const showProgress = !o.quiet && !o.json && process.stderr.isTTY;
  let result: RunResult;
  try {
    result = await runScenario(s, {
      seed: o.seed,
      record: o.record ? {
        path: resolve(o.record), scenarioText: loaded.text, scenarioFile: resolve(file),
        stateEveryTicks: o.recordRate ? Math.max(1, Math.round(s.rate / o.recordRate)) : 1,
      } : undefined,
      onProgress: showProgress ? (f) => process.stderr.write(`\r${s.name}: ${Math.round(f * 100)}% of ${s.duration} s simulated`) : undefined,
    });
  } catch (e) {
    if (showProgress) process.stderr.write('\n');
    // A file the run could not write (the recording) is not a fault of the scenario: say which.
    const io = (e as NodeJS.ErrnoException).code !== undefined && (e as NodeJS.ErrnoException).path !== undefined;
    process.stderr.write(io ? `cannot write: ${(e as Error).message}\n` : `invalid scenario:\n${file}: ${(e as Error).message}\n`);
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

/** A file with a `matrix:` runs every variant in turn, each in its own folder (and recording); the worst exit code wins. */
async function runVariants(file: string, o: RunCliOptions, variants: readonly LoadedScenario[]): Promise<number> {
  const base = o.out ?? join('out', variants[0].scenario.name.replace(/\[.*$/, ''));
  let code = EXIT_PASSED;
  for (const [i, v] of variants.entries()) {
    const dir = join(base, v.scenario.name.replace(/[^A-Za-z0-9._=,[\]{}:-]+/g, '_'));
    const record = o.record ? o.record.replace(/(\.mcap)?$/i, `-${i + 1}.mcap`) : undefined;
    code = Math.max(code, await runCommand(file, { ...o, out: dir, record }, v));
  }
  return code;
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
  const failed = r.assertions.filter((a) => !a.passed).map((a) => `FAIL ${a.name}: ${a.check}\n`).join('');
  return `${head}${metrics.toString()}\n${r.assertions.length ? checks.toString() + '\n' : ''}${failed}events: ${ev}\n` +
    `final state hash ${r.final_state_hash}\n${verdict} — ${path}\n`;
}
