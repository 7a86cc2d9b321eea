// One worker thread of `steadysim batch`: loads Rapier once (the first run does it, the loader caches it),
// then runs the scenarios the main thread sends, one at a time, and answers with each RunResult as plain JSON.
// A run that throws answers with its error; the worker stays up for the next one.
import { parentPort } from 'node:worker_threads';
import { loadRapier } from '../sim/rapier.ts';
import { runScenario, type RunOptions, type RunResult } from './runner.ts';
import type { Scenario } from './schema.ts';

/** Main thread → worker: run one variant. */
export interface WorkerRequest {
  readonly type: 'run';
  readonly id: number;
  /** The file the variant comes from (for messages). */
  readonly file: string;
  /** The variant, already parsed and validated by the main thread (plain data, structured-cloned). */
  readonly scenario: Scenario;
  readonly seed?: number;
  /** Record the run to this MCAP file (plain data: path, scenario text and file). */
  readonly record?: RunOptions['record'];
}

/** Worker → main thread. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly result: RunResult }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly stack?: string };

const port = parentPort;
if (!port) throw new Error('batch-worker.ts runs inside a worker thread (started by scenarios/batch.ts)');

port.on('message', (req: WorkerRequest) => {
  void handle(req).then((reply) => port.postMessage(reply));
});

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  try {
    const result = await runScenario(req.scenario, { seed: req.seed, record: req.record });
    // Through JSON: exactly what result.json holds (no undefined fields, no class instances).
    return { type: 'done', id: req.id, result: JSON.parse(JSON.stringify(result)) as RunResult };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { type: 'error', id: req.id, message: err.message, stack: err.stack };
  }
}

await loadRapier();
port.postMessage({ type: 'ready' } satisfies WorkerReply);
