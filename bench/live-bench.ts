// `npm run bench:live [-- --seconds 60 --viewers 20 --rate 1000 --json]`: the live server under load. The server
// runs the default scene (two PSMs and the ECM) in a process of its own; this process connects `viewers` viewers,
// which take every state (60 Hz), and one operator sending psm1's hand at `rate` Hz (a 1 kHz device bridge) with
// teleoperation on. After a warm-up (Rapier's WebAssembly is slow until V8 has optimised it) it measures for
// `seconds`: tick overruns (a tick computing longer than its 1 ms period; target under 1 %), how late ticks ran
// behind the wall clock, the real-time factor, and the state latency to the viewers (receipt − `sentAt`).
// Then, as a yardstick, the same scene headless in this process (no server, no clients) for up to 15 simulated
// seconds: the share of its ticks over 1 ms is what this machine, as loaded as it is now, gives the bare loop.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { map, Subject } from 'rxjs';
import type { TickFrame } from '../controller/frame.ts';
import { parseScenario } from '../scenarios/loader.ts';
import { prepareRun } from '../scenarios/runner.ts';
import { loadavg, availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { ServerMessage } from '../ui/protocol.ts';
import type { SessionStats } from '../ui/server/live-session.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} expects a positive number`);
  return v;
}
const SECONDS = arg('seconds', 60);
const VIEWERS = Math.round(arg('viewers', 20));
const RATE = arg('rate', 1000);
const WARMUP_S = arg('warmup', 8);
const json = process.argv.includes('--json');
const say = (s: string) => { if (!json) process.stderr.write(`${s}\n`); };

interface ServerStats { sim: SessionStats; sent: number; skipped: number }

const root = fileURLToPath(new URL('..', import.meta.url));
const child = fork('bin/run-ts.js', ['bench/live-bench-server.ts'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const waiting = new Map<string, (m: unknown) => void>();
child.on('message', (m: { kind: string }) => { const w = waiting.get(m.kind); waiting.delete(m.kind); w?.(m); });
const expectMessage = <T>(kind: string) => new Promise<T>((ok) => waiting.set(kind, ok as (m: unknown) => void));
const stats = (): Promise<ServerStats> => { const p = expectMessage<ServerStats>('stats'); child.send({ kind: 'stats' }); return p; };

const load0 = loadavg()[0];
say('starting the server (default scene: psm1, psm2, ecm)…');
const { wsUrl, token } = await expectMessage<{ wsUrl: string; token: string }>('ready');
const now = () => performance.timeOrigin + performance.now();

function connect(hello: object): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(wsUrl);
    ws.once('open', () => { ws.send(JSON.stringify(hello)); });
    ws.once('error', fail);
    const onWelcome = (d: WebSocket.RawData) => {
      if ((JSON.parse(String(d)) as ServerMessage).type === 'welcome') { ws.off('message', onWelcome); ok(ws); }
    };
    ws.on('message', onWelcome);
  });
}

// Viewers: every state's latency, while measuring.
let measuring = false;
const latencies: number[] = [];
const received = new Array<number>(VIEWERS).fill(0);
const viewers = await Promise.all(Array.from({ length: VIEWERS }, (_, i) => connect({ type: 'hello', role: 'viewer', client: `bench viewer ${i}` }).then((ws) => {
  ws.on('message', (d) => {
    const t = now();
    const m = JSON.parse(String(d)) as ServerMessage;
    if (m.type === 'state' && measuring) { latencies.push(t - m.sentAt); received[i]++; }
  });
  return ws;
})));

// The operator: psm1's hand on a slow circle at RATE Hz, presence on.
const op = await connect({ type: 'hello', role: 'operator', token, client: 'bench operator' });
let operatorErrors = 0;
op.on('message', (d) => { if ((JSON.parse(String(d)) as ServerMessage).type === 'error') operatorErrors++; });
const t0 = performance.now();
let sent = 0;
const timer = setInterval(() => {
  const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
  // At most a few per wake: a late timer must not turn into a burst (the server keeps only the latest anyway).
  for (let k = 0; sent < due && k < 4; k++, sent++) {
    const t = sent / RATE;
    op.send(JSON.stringify({ type: 'input', robot: 'psm1', p: [0.03 * Math.sin(t), 0.03 * (1 - Math.cos(t)), 0], q: [0, 0, 0, 1], grip: 0.3, clutch: false, enable: true }));
  }
  if (due - sent > RATE) sent = due; // fell a second behind: drop the backlog
}, 1);

say(`${VIEWERS} viewers and an operator at ${RATE} Hz connected; warming up ${WARMUP_S} s…`);
await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
const a = await stats();
const sentA = sent;
measuring = true;
const m0 = performance.now();
say(`measuring ${SECONDS} s…`);
await new Promise((r) => setTimeout(r, SECONDS * 1000));
measuring = false;
const b = await stats();
const wall = (performance.now() - m0) / 1000;
const sentB = sent;
clearInterval(timer);

const ticks = b.sim.ticks - a.sim.ticks;
const late: Record<string, number> = {};
for (const k of Object.keys(b.sim.late)) late[k] = b.sim.late[k] - (a.sim.late[k] ?? 0);
const lateOver = (bucket: string) => { let n = 0, past = false; for (const k of Object.keys(late)) { if (past) n += late[k]; if (k === bucket) past = true; } return n; };
latencies.sort((x, y) => x - y);
const q = (p: number) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : Number.NaN;
const r2 = (x: number) => Math.round(x * 100) / 100;
const result = {
  scene: b.sim.scene,
  seconds: r2(wall),
  viewers: VIEWERS,
  input_rate_hz: r2((sentB - sentA) / wall),
  input_consumed_per_s: r2((b.sim.inputsConsumed - a.sim.inputsConsumed) / wall),
  ticks,
  realtime_factor: r2((ticks / 1000) / wall),
  overruns: b.sim.overruns - a.sim.overruns,
  overrun_percent: r2((100 * (b.sim.overruns - a.sim.overruns)) / Math.max(1, ticks)),
  mean_tick_ms: r2(((b.sim.meanTickMs * b.sim.ticks) - (a.sim.meanTickMs * a.sim.ticks)) / Math.max(1, ticks)),
  max_tick_ms: r2(b.sim.maxTickMs),
  late_over_2ms_percent: r2((100 * lateOver('<=2ms')) / Math.max(1, ticks)),
  late_over_10ms_percent: r2((100 * lateOver('<=10ms')) / Math.max(1, ticks)),
  slipped_ms: r2(b.sim.slippedMs - a.sim.slippedMs),
  state_latency_ms: { median: r2(q(0.5)), p99: r2(q(0.99)), max: r2(latencies[latencies.length - 1] ?? Number.NaN) },
  states_per_viewer_per_s: r2(received.reduce((s, x) => s + x, 0) / VIEWERS / wall),
  states_skipped: b.skipped - a.skipped,
  operator_errors: operatorErrors,
  cpus: availableParallelism(),
  load_before: r2(load0),
  load_after: r2(loadavg()[0]),
};
for (const v of viewers) v.close();
op.close();
child.send({ kind: 'close' });
await new Promise((r) => child.once('exit', r));

say('the same scene headless, for comparison…');
const baseline = await headlessBaseline(Math.min(SECONDS, 15));
const report = { ...result, headless_baseline: baseline };

if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const l = result.state_latency_ms;
  process.stdout.write([
    `live bench: scene ${result.scene}, ${result.viewers} viewers, operator input ${result.input_rate_hz} Hz, ${result.seconds} s measured`,
    `  ticks ${result.ticks}, real-time factor ${result.realtime_factor}, mean tick ${result.mean_tick_ms} ms (max ${result.max_tick_ms} ms)`,
    `  overruns (tick > 1 ms): ${result.overruns} = ${result.overrun_percent} %  (target < 1 %)`,
    `  ticks started > 2 ms late: ${result.late_over_2ms_percent} %, > 10 ms late: ${result.late_over_10ms_percent} %; clock slipped ${result.slipped_ms} ms`,
    `  state latency to viewers: median ${l.median} ms, p99 ${l.p99} ms, max ${l.max} ms; ${result.states_per_viewer_per_s} states/s each, ${result.states_skipped} skipped`,
    `  headless, same scene, same machine now: mean tick ${baseline.mean_tick_ms} ms, ticks over 1 ms ${baseline.over_1ms_percent} %`,
    `  machine: ${result.cpus} CPUs, load ${result.load_before} before, ${result.load_after} after`,
  ].join('\n') + '\n');
}

/** Per-tick computation time of the default scene run headless (after a 3 s warm-up): the bare loop's overruns. */
async function headlessBaseline(seconds: number): Promise<{ seconds: number; mean_tick_ms: number; over_1ms_percent: number }> {
  const file = fileURLToPath(new URL('../scenarios/live-default.yaml', import.meta.url));
  const sc = parseScenario(readFileSync(file, 'utf8'), file);
  const run = await prepareRun({ ...sc, duration: seconds + 3 });
  const times = new Float64Array(run.ticks);
  let t = 0;
  const clock = new Subject<TickFrame>();
  const sub = clock.pipe(map((f) => { t = performance.now(); return f; }), run.loop, map((f) => { times[f.tick] = performance.now() - t; return f; })).subscribe();
  for (let k = 0; k < run.ticks; k++) { run.frame.tick = k; run.frame.t = k * run.frame.dt; clock.next(run.frame); }
  sub.unsubscribe();
  run.world.free();
  const w = times.subarray(3000);
  let sum = 0, over = 0;
  for (const x of w) { sum += x; if (x > 1) over++; }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return { seconds, mean_tick_ms: r2(sum / w.length), over_1ms_percent: r2((100 * over) / w.length) };
}
