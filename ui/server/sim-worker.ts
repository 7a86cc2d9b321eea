// The simulation thread of the live server: one LiveSession on the realtime clock. It takes validated input and
// commands from the main thread, and sends it the state at 60 Hz (built and serialised here, once, as it reads
// the world between two ticks), the scene when it changes, and the replies. Nothing here waits on a client.
import { parentPort, workerData } from 'node:worker_threads';
import { LIMITS } from '../protocol.ts';
import { ScenarioError } from '../../scenarios/loader.ts';
import { ClientError } from './errors.ts';
import { LiveSession } from './live-session.ts';
import type { FromSim, SimWorkerData, ToSim } from './sim-messages.ts';

const port = parentPort;
if (!port) throw new Error('sim-worker.ts runs as a worker thread');
const post = (m: FromSim): void => port.postMessage(m);
const data = workerData as SimWorkerData;

let session: LiveSession;
try {
  session = await LiveSession.create({
    scene: data.scene, recordDir: data.recordDir, recordFile: data.recordFile, recordRate: data.recordRate, log: (line) => post({ kind: 'log', line }),
  });
} catch (e) {
  post({ kind: 'failed', message: e instanceof Error ? e.message : String(e), badScenario: e instanceof ScenarioError });
  process.exit(1);
}
session.addListener({
  sceneChanged: (info) => post({ kind: 'scene', info }),
  controllersChanged: (controllers) => post({ kind: 'controllers', controllers }),
  notice: (message) => post({ kind: 'notice', message }),
});

// The state, at 60 Hz, drift-free.
const period = 1000 / LIMITS.stateRateHz;
let next = performance.now();
let stateTimer: ReturnType<typeof setTimeout> | undefined;
function stateTick(): void {
  post({ kind: 'state', json: JSON.stringify(session.stateMessage()) });
  next += period;
  const now = performance.now();
  if (next < now - 10 * period) next = now + period; // stalled (a debugger, a suspended process): no burst
  stateTimer = setTimeout(stateTick, Math.max(0, next - now));
}
stateTimer = setTimeout(stateTick, period);

const reply = (id: number, work: () => Promise<string>): void => {
  work().then(
    (detail) => post({ kind: 'reply', id, ok: true, detail }),
    (e: unknown) => post(e instanceof ClientError
      ? { kind: 'reply', id, ok: false, code: e.code, message: e.message }
      : { kind: 'reply', id, ok: false, code: 'internal', message: e instanceof Error ? e.message : String(e) }),
  );
};

port.on('message', (m: ToSim) => {
  switch (m.kind) {
    case 'input':
      session.input(m.robot, m.p, m.q, m.grip, m.clutch, m.at, m.enable);
      break;
    case 'command':
      reply(m.id, () => session.command(m.command, m.at));
      break;
    case 'load':
      reply(m.id, () => session.load(m.loaded));
      break;
    case 'stats':
      post({ kind: 'stats', id: m.id, stats: session.stats() });
      break;
    case 'close':
      if (stateTimer) clearTimeout(stateTimer);
      stateTimer = undefined;
      session.close().finally(() => {
        post({ kind: 'closed', id: m.id });
        port.close();
      });
      break;
  }
});

post({ kind: 'ready', info: session.sceneInfo() });
